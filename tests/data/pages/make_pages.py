"""Writes the small HTML pages the tests use: one news-site template, stories written for newsflow.

    python tests/data/pages/make_pages.py

Each page has what real pages carry around a story: a menu, a cookie banner, a share bar,
"related stories", a comment thread and a footer, and metadata in <head>.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title} | {site}</title>
<meta property="og:site_name" content="{site}">
<meta property="og:title" content="{title}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}T09:30:00Z">
<link rel="canonical" href="{url}">
<style>body {{ font-family: sans-serif; }}</style>
<script>window.dataLayer = [{{"page": "article"}}];</script>
</head>
<body>
<div class="cookie-banner">{cookie}</div>
<header><nav><a href="/">{home}</a> | <a href="/world">{world}</a> | <a href="/sport">{sport}</a> | <a href="/business">{business}</a></nav></header>
<main>
<article>
<h1>{title}</h1>
<p class="byline">{by} {author}, <time datetime="{date}">{date}</time></p>
<div class="share"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Email</a></div>
{paragraphs}
</article>
<aside class="related"><h2>{related}</h2><ul>{related_items}</ul></aside>
<section class="comments"><h2>{comments}</h2>{comment_items}</section>
</main>
<footer><p>{footer}</p><ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy</a></li><li><a href="/contact">Contact</a></li></ul></footer>
</body>
</html>
"""

EN_CHROME = dict(
    lang="en",
    site="The Daily Ledger",
    home="Home",
    world="World",
    sport="Sport",
    business="Business",
    cookie="We use cookies to improve your experience. By continuing you accept our cookie policy.",
    by="By",
    related="Related stories",
    comments="Comments",
    footer="Copyright 2024 The Daily Ledger. All rights reserved.",
)

PAGES = {
    "en_minister.html": dict(
        EN_CHROME,
        title="Minister denies wrongdoing over contracts",
        author="Sarah Collins",
        date="2024-03-12",
        url="https://ledger.example/politics/minister-denies-wrongdoing",
        paragraphs=[
            "The transport minister has denied any wrongdoing after documents showed that contracts worth millions were awarded without a tender.",
            "The minister, John Smith, said: \u201cI have done nothing wrong.\u201d He added that every decision had been checked by officials in his department.",
            "Opposition parties called for an independent inquiry into the contracts, which were signed during the last winter.",
            "\u201cWe will fight on,\u201d added his spokeswoman, Jane Doe. She said the minister would publish all the letters he had sent.",
            "The prime minister is expected to make a statement to parliament on Wednesday afternoon.",
        ],
        related_list=["Rail strike talks collapse", "Budget: what it means for you", "Weather warning for the north"],
        comments_list=[
            "Typical politicians, always the same story.",
            "I would like to see those letters before I believe anything.",
        ],
    ),
    "en_floods.html": dict(
        EN_CHROME,
        title="Floods force hundreds from their homes",
        author="Tom Baker",
        date="2024-03-13",
        url="https://ledger.example/news/floods-force-hundreds-from-homes",
        paragraphs=[
            "Hundreds of people have been forced from their homes after heavy rain caused rivers to burst their banks across the north of the country.",
            "Emergency services rescued families from rooftops in several villages overnight, and schools were closed in three counties.",
            "\u201cThe water came up faster than anyone expected,\u201d said Maria Lopez, who runs a bakery on the high street.",
            "Forecasters have warned that more rain is expected over the weekend, with another severe weather warning in place until Sunday.",
            "The environment agency said it had deployed temporary barriers and pumps to the worst affected areas.",
        ],
        related_list=["Rail strike talks collapse", "Budget: what it means for you", "Weather warning for the north"],
        comments_list=[
            "Typical politicians, always the same story.",
            "I would like to see those letters before I believe anything.",
        ],
    ),
    "fr_koursk.html": dict(
        lang="fr",
        site="Le Quotidien",
        home="Accueil",
        world="Monde",
        sport="Sport",
        business="\u00c9conomie",
        cookie="Nous utilisons des cookies pour am\u00e9liorer votre exp\u00e9rience. En poursuivant, vous acceptez notre politique.",
        by="Par",
        related="\u00c0 lire aussi",
        comments="Commentaires",
        footer="\u00a9 2024 Le Quotidien. Tous droits r\u00e9serv\u00e9s.",
        title="L'arm\u00e9e russe affirme avoir repris une localit\u00e9 de la r\u00e9gion de Koursk",
        author="Claire Martin",
        date="2024-08-20",
        url="https://quotidien.example/monde/koursk-localite-reprise",
        paragraphs=[
            "L'arm\u00e9e russe a affirm\u00e9 mardi avoir repris le contr\u00f4le d'une localit\u00e9 de la r\u00e9gion de Koursk, o\u00f9 les forces ukrainiennes m\u00e8nent une offensive depuis le d\u00e9but du mois.",
            "\u00ab Nos unit\u00e9s ont lib\u00e9r\u00e9 le village apr\u00e8s des combats intenses \u00bb, a d\u00e9clar\u00e9 le g\u00e9n\u00e9ral Valeri Guerassimov lors d'une r\u00e9union \u00e0 Moscou.",
            "Le pr\u00e9sident ukrainien Volodymyr Zelensky a d\u00e9menti ces informations. \u00ab La situation sur le terrain reste sous notre contr\u00f4le \u00bb, a-t-il affirm\u00e9 dans une vid\u00e9o publi\u00e9e sur les r\u00e9seaux sociaux.",
            "Selon l'Agence France-Presse, des milliers d'habitants ont d\u00e9j\u00e0 quitt\u00e9 la zone des combats pour rejoindre des centres d'accueil.",
            "\u00ab Personne ne sait quand nous pourrons rentrer \u00bb, a confi\u00e9 Irina Petrova, une habitante de la r\u00e9gion.",
        ],
        related_list=[
            "Les prix de l'\u00e9nergie repartent \u00e0 la hausse",
            "La temp\u00eate frappe la c\u00f4te",
            "Pas d'accord \u00e0 l'issue des discussions",
        ],
        comments_list=["Toujours la m\u00eame propagande.", "Il faut attendre des sources ind\u00e9pendantes."],
    ),
    "de_energie.html": dict(
        lang="de",
        site="Der Tagesbote",
        home="Startseite",
        world="Welt",
        sport="Sport",
        business="Wirtschaft",
        cookie="Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.",
        by="Von",
        related="Mehr zum Thema",
        comments="Kommentare",
        footer="\u00a9 2024 Der Tagesbote. Alle Rechte vorbehalten.",
        title="Regierung k\u00fcndigt Ma\u00dfnahmen gegen hohe Energiepreise an",
        author="Jonas Weber",
        date="2024-01-09",
        url="https://tagesbote.example/wirtschaft/energiepreise-massnahmen",
        paragraphs=[
            "Die Bundesregierung hat am Dienstag neue Ma\u00dfnahmen gegen die steigenden Energiepreise angek\u00fcndigt. Haushalte mit geringem Einkommen sollen einen Zuschuss erhalten.",
            "\u201eWir lassen niemanden im Stich\u201c, sagte der Wirtschaftsminister Thomas M\u00fcller in Berlin. Die Kosten sollen aus dem laufenden Haushalt bezahlt werden.",
            "Verbraucherverb\u00e4nde begr\u00fc\u00dften die Pl\u00e4ne, forderten aber eine schnellere Auszahlung noch vor dem Winter.",
            "Die Opposition kritisierte, die Hilfen kämen zu spät und seien zu gering, um die Belastung wirklich auszugleichen.",
        ],
        related_list=["Streik bei der Bahn beendet", "Sturm trifft die K\u00fcste", "Mannschaft gewinnt den Pokal"],
        comments_list=["Viel zu sp\u00e4t!", "Endlich passiert etwas."],
    ),
    "es_lluvias.html": dict(
        lang="es",
        site="El Diario Central",
        home="Portada",
        world="Mundo",
        sport="Deportes",
        business="Econom\u00eda",
        cookie="Utilizamos cookies para mejorar su experiencia de navegaci\u00f3n.",
        by="Por",
        related="Noticias relacionadas",
        comments="Comentarios",
        footer="\u00a9 2024 El Diario Central. Todos los derechos reservados.",
        title="Las lluvias provocan inundaciones en el sur del pa\u00eds",
        author="Luc\u00eda Fern\u00e1ndez",
        date="2024-10-30",
        url="https://diariocentral.example/sociedad/lluvias-inundaciones-sur",
        paragraphs=[
            "Las fuertes lluvias de las \u00faltimas horas han provocado inundaciones en varias localidades del sur del pa\u00eds, donde cientos de vecinos han tenido que abandonar sus casas.",
            "\u00abNunca hab\u00edamos visto algo as\u00ed\u00bb, dijo el alcalde Javier Ruiz a los periodistas frente al ayuntamiento.",
            "Los servicios de emergencia rescataron a decenas de personas atrapadas en sus coches durante la noche.",
            "La agencia meteorol\u00f3gica mantiene la alerta roja hasta el jueves y pide a la poblaci\u00f3n que evite los desplazamientos.",
        ],
        related_list=[
            "El equipo gana la copa",
            "Los precios de la energ\u00eda vuelven a subir",
            "La tormenta azota la costa",
        ],
        comments_list=["Mucho \u00e1nimo a los afectados.", "Cada a\u00f1o pasa lo mismo."],
    ),
}


def render(spec: dict) -> str:
    """One page of the template filled with `spec`."""
    fields = {k: v for k, v in spec.items() if isinstance(v, str)}
    fields["paragraphs"] = "\n".join(f"<p>{p}</p>" for p in spec["paragraphs"])
    fields["related_items"] = "".join(f'<li><a href="/r{i}">{r}</a></li>' for i, r in enumerate(spec["related_list"]))
    fields["comment_items"] = "".join(f'<div class="comment"><p>{c}</p></div>' for c in spec["comments_list"])
    return TEMPLATE.format(**fields)


if __name__ == "__main__":
    for name, spec in PAGES.items():
        (HERE / name).write_text(render(spec), encoding="utf-8")
