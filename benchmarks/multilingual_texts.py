"""Short and long test texts in en/fr/de/es, written for newsflow from general knowledge (no corpus, no gold)."""

S = {
    "en": [
        "The government announced new measures to curb rising energy prices on Tuesday.",
        "Police said the suspect was arrested near the station late last night.",
        "Shares in the carmaker fell sharply after the company cut its profit forecast.",
        "The minister told reporters that talks would continue next week.",
        "Heavy rain caused flooding across the north of the country.",
        "Scientists have discovered a new species of frog in the rainforest.",
        "The team won the final after a dramatic penalty shootout.",
        "Voters will go to the polls in early spring, the election commission confirmed.",
        "Hospitals are struggling to cope with a surge in winter infections.",
        "The central bank kept interest rates unchanged for a third month.",
    ],
    "fr": [
        "Le gouvernement a annoncé mardi de nouvelles mesures contre la hausse des prix de l'énergie.",
        "Selon la police, le suspect a été interpellé près de la gare tard dans la nuit.",
        "L'action du constructeur automobile a chuté après la baisse de ses prévisions.",
        "Le ministre a déclaré aux journalistes que les discussions reprendraient la semaine prochaine.",
        "De fortes pluies ont provoqué des inondations dans le nord du pays.",
        "Des scientifiques ont découvert une nouvelle espèce de grenouille dans la forêt tropicale.",
        "L'équipe a remporté la finale après une séance de tirs au but spectaculaire.",
        "Les électeurs se rendront aux urnes au début du printemps, a confirmé la commission électorale.",
        "Les hôpitaux peinent à faire face à une vague d'infections hivernales.",
        "La banque centrale a maintenu ses taux d'intérêt inchangés pour le troisième mois.",
    ],
    "de": [
        "Die Regierung hat am Dienstag neue Maßnahmen gegen steigende Energiepreise angekündigt.",
        "Die Polizei teilte mit, der Verdächtige sei spät in der Nacht am Bahnhof festgenommen worden.",
        "Die Aktie des Autobauers fiel deutlich, nachdem das Unternehmen seine Prognose gesenkt hatte.",
        "Der Minister sagte den Journalisten, die Gespräche würden nächste Woche fortgesetzt.",
        "Starker Regen führte im Norden des Landes zu Überschwemmungen.",
        "Forscher haben im Regenwald eine neue Froschart entdeckt.",
        "Die Mannschaft gewann das Finale nach einem dramatischen Elfmeterschießen.",
        "Die Wähler gehen im Frühjahr an die Urnen, bestätigte die Wahlkommission.",
        "Die Krankenhäuser kämpfen mit einer Welle von Winterinfektionen.",
        "Die Zentralbank ließ die Leitzinsen den dritten Monat in Folge unverändert.",
    ],
    "es": [
        "El gobierno anunció el martes nuevas medidas para frenar la subida de los precios de la energía.",
        "Según la policía, el sospechoso fue detenido cerca de la estación a última hora de la noche.",
        "Las acciones del fabricante de automóviles cayeron tras recortar la empresa sus previsiones.",
        "El ministro dijo a los periodistas que las conversaciones continuarán la próxima semana.",
        "Las fuertes lluvias provocaron inundaciones en el norte del país.",
        "Unos científicos han descubierto una nueva especie de rana en la selva tropical.",
        "El equipo ganó la final tras una dramática tanda de penaltis.",
        "Los votantes acudirán a las urnas a principios de la primavera, confirmó la comisión electoral.",
        "Los hospitales tienen dificultades para hacer frente a un aumento de las infecciones invernales.",
        "El banco central mantuvo los tipos de interés sin cambios por tercer mes consecutivo.",
    ],
}
HEADLINES = {
    "en": ["Energy prices rise again", "Storm hits the coast", "Talks end without a deal", "Team wins the cup"],
    "fr": [
        "Les prix de l'énergie repartent à la hausse",
        "La tempête frappe la côte",
        "Pas d'accord à l'issue des discussions",
        "L'équipe remporte la coupe",
    ],
    "de": [
        "Energiepreise steigen erneut",
        "Sturm trifft die Küste",
        "Gespräche enden ohne Einigung",
        "Mannschaft gewinnt den Pokal",
    ],
    "es": [
        "Los precios de la energía vuelven a subir",
        "La tormenta azota la costa",
        "Las conversaciones terminan sin acuerdo",
        "El equipo gana la copa",
    ],
}


def cases():
    """(lang, kind, text): headlines (3-6 words), sentences, and long texts (all 10 sentences of a language in 2 rotations)."""
    out = []
    for lang, hs in HEADLINES.items():
        out += [(lang, "headline", h) for h in hs]
    for lang, ss in S.items():
        out += [(lang, "sentence", s) for s in ss]
        out += [(lang, "long", " ".join(ss[i:] + ss[:i])) for i in (0, 5)]
    return out
