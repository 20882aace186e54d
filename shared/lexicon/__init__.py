"""Vocabulary shared by the services: given names with genders (gender-guesser), titles (nameparser),
countries (pycountry), speech verbs, and the small news word lists of `vocabulary`."""
