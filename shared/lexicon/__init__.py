"""Vocabulary shared by services (names, titles, countries, organisation and place words); services never
import each other, so what two of them need lives here."""
