"""Small word lists a news editor would write down: parties, name parts, head nouns.

They are general English/news knowledge, not taken from any evaluation set; countries
come from pycountry (`shared.lexicon.places`).
"""

from __future__ import annotations

from shared.lexicon import places

COUNTRIES = places.COUNTRIES  # pycountry's names and their everyday forms

# A sports report names national teams after their countries ("England beat Wales").
SPORT_WORDS = frozenset(
    """
rugby football soccer cricket tennis golf match matches coach captain squad tournament championship
championships league cup final semi-final quarter-final striker midfielder defender goalkeeper fly-half
full-back scrum try tries wicket innings olympic olympics athlete athletics sprint medal seeded seed
nations grand slam fixture fixtures season manager kick-off penalty referee
""".split()
)

# UK and US parties, which the model often calls NORP or PERSON.
PARTIES = frozenset(
    {
        "labour",
        "conservative",
        "conservatives",
        "tory",
        "tories",
        "liberal democrat",
        "liberal democrats",
        "lib dem",
        "lib dems",
        "labour party",
        "conservative party",
        "snp",
        "plaid cymru",
        "ukip",
        "green party",
        "democratic unionist party",
        "sinn fein",
        "liberal democrat party",
        "democratic party",
        "republican party",
        "greens",
    }
)

# One party, several names: each tuple lists a party's names from the one an editor would
# put in an index ("Conservative Party") to the adjectival nickname ("Tory"). The noun forms
# (a party named as an actor) come before the adjectives (a party used as a modifier).
PARTY_ALIASES = (
    ("conservative party", "conservatives", "tories", "conservative", "tory"),
    ("labour party", "labour"),
    ("liberal democrat party", "liberal democrats", "lib dems", "liberal democrat", "lib dem"),
    ("democratic party", "democrats", "democrat"),
    ("republican party", "republicans", "republican"),
    ("green party", "greens"),
)
PARTY_RANK = {name: (i, rank) for i, names in enumerate(PARTY_ALIASES) for rank, name in enumerate(names)}

# Words that make a name an organisation whatever the model said.
ORG_HEADS = frozenset(
    """
aid agency association authority bank board campaign centre center church club college commission committee
company corporation council court department forum foundation fund group institute institution labs league
ltd inc plc ministry ministries office organisation organization party police service society systems
technologies trust union university
""".split()
)

# Words that make a name a place or a building: the head nouns of the English names of
# GeoNames' feature codes (geonames.org "feature codes" list, classes S spot/building,
# R road/railroad, L park/area), written down from that public list and no evaluation data.
# Heads that are already ORG_HEADS (bank, centre, university, office) are left to those, and so are
# institutions that news annotation names as organisations (school, hospital, clinic, museum, library).
PLACE_HEADS = frozenset(
    """
airbase airfield airport heliport amphitheater amphitheatre archive barracks breakwater boatyard cairn camp
casino castle cemetery convent courthouse dam dairy dock dockyard dike depot estate farm farmstead fort
ferry gate garden grave hermitage homestead house hotel hut jetty landing lighthouse
lock mall marina factory brewery market mill mine monument mosque monastery nursery observatory
shrine storehouse sluice sanatorium spa spillway square stable stadium synagogue theater theatre tomb temple
tower terminal wall weir wharf waterworks zoo church causeway promenade road street railroad railway tunnel
trail park bridge
""".split()
)

# Region words after a place name ("the Novoland region").
REGION_WORDS = frozenset("region province oblast district county state city town village border".split())

# Courtesy titles dropped from a person's canonical name; rank titles (Lord, Prince) are kept.
COURTESY = frozenset({"mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr.", "prof", "professor"})

# Titles that are part of a person's name in British usage ("Pope Gregory", "Lord Justice Roe").
RANK_TITLES = frozenset("pope prince princess king queen lord lady duke duchess justice cardinal archbishop".split())

# Demonym endings: "Ukrainian forces" is NORP, not a place.
DEMONYM_ENDINGS = ("ian", "ese", "ish", "ean", "ic", "i")

# Common nouns a reporter puts before a company's name ("software firm Zentrix",
# "electronics chain Shopwell"): the name that follows is an organisation.
COMPANY_NOUNS = frozenset(
    """
company companies firm firms group consortium partner agency department maker retailer chain store supermarket
giant operator carrier bank charity insurer developer publisher manufacturer start-up startup rival subsidiary
provider watchdog regulator organisation organization outfit label studio brand network website specialist
conglomerate airline broadcaster newspaper magazine club team
""".split()
)

# Words after a name that only an organisation takes ("a Zentrix spokeswoman", "Zentrix's shares").
ORG_AFTER = frozenset("spokesman spokeswoman spokesperson spokespeople consortium".split())
ORG_POSSESSED = frozenset(
    """
shares profits profit customers subscribers shareholders products website workforce
chief executive chairman founder co-founder headquarters revenue revenues sales
""".split()
)

# Speakers a reporter leaves unnamed on purpose: kept as the description.
UNNAMED_HEADS = frozenset(
    """
spokesman spokeswoman spokesperson spokespeople source sources official officials analyst analysts expert
experts observers critics others broker brokers insider insiders aide aides statement researchers witnesses
residents campaigners economists diplomats people fans
""".split()
)
TITLE_CUES = frozenset(
    """
film films movie movies song songs single singles album albums book books novel novels show shows series
programme program play plays musical opera sitcom drama documentary poem painting game video track hit called
titled entitled dubbed named nicknamed known report campaign slogan headline magazine newspaper
""".split()
)
