"""Vocabulary shared by the services: given names with genders (gender-guesser), titles (nameparser),
countries (pycountry), speech verbs, and the small news word lists of `vocabulary`. Services never import
each other, so what two of them need lives here."""
