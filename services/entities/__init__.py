"""The entities stage: spaCy NER, corrected for news, merged into canonical entities."""
