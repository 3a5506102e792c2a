"""Marker words and suffixes that tell Nynorsk (nn) from Bokmål (nb).

Weights: 2 = a form the other standard never uses in everyday writing (pronouns,
question words, negation); 1 = a clear but less frequent form; 0.5 = a hint that
the other standard also allows or that dialect writers use across both.
Words both standards share (kan, er, skal, pris, søknad ...) are deliberately absent.
Dialect forms used by writers of both standards (ka, kossen, æ, ittje, kem) are neutral.
"""

from __future__ import annotations

NN_WORDS: dict[str, float] = {
    # pronouns, question words, negation
    "eg": 2, "ikkje": 2, "kva": 2, "korleis": 2, "kven": 2, "kvifor": 2, "kvi": 1,
    "kvar": 2, "kvart": 1, "kvarandre": 2, "ho": 2, "hennar": 2, "dykk": 2, "dykkar": 2,
    "dei": 1, "deira": 2, "desse": 2, "me": 1, "kor": 1, "korfor": 1, "viss": 1,
    # articles, quantifiers
    "ein": 2, "eit": 2, "eitt": 1, "noko": 2, "nokon": 2, "nokre": 2, "inga": 1,
    "ingi": 1, "mykje": 2, "fleire": 2, "meir": 2, "mest": 0, "heile": 1, "heilt": 1,
    "anna": 1, "annan": 1, "sjølv": 1, "sjølve": 1, "einaste": 1,
    # prepositions, adverbs, conjunctions
    "frå": 2, "hjå": 2, "utan": 1, "innan": 1, "saman": 1, "medan": 2, "sidan": 1,
    "difor": 2, "då": 1, "berre": 2, "no": 0.5, "òg": 1, "enno": 1, "elles": 1,
    "heller": 0, "framleis": 1, "likevel": 0, "nemleg": 1, "gjennom": 0, "att": 0.5,
    "heime": 1, "ut": 0, "oppe": 0, "fram": 0.5, "ikring": 1, "kring": 1,
    # verbs
    "vere": 2, "vore": 2, "vert": 1, "vart": 1, "gjer": 2, "gjere": 2, "gjekk": 1,
    "sjå": 2, "seie": 1, "sei": 0.5, "treng": 2, "veit": 2, "kjem": 2,
    "kome": 2, "kjenner": 0, "finst": 2, "trur": 2, "tykkjer": 2, "synest": 2,
    "høyrer": 1, "høyre": 0.5, "tek": 1, "gje": 1, "gjev": 1, "fekk": 1, "bur": 1,
    "bu": 0.5, "ynskjer": 2, "ønskjer": 2, "ynskje": 1, "hugs": 1, "hugse": 1,
    "gløym": 1, "gløyme": 1, "gløymt": 1, "skjønar": 1, "byrjar": 1, "byrje": 1,
    "ver": 1, "lagar": 1, "nyttar": 1, "gjeld": 1, "byter": 1, "seier": 1, "ligg": 1,
    "spelar": 1, "søkjer": 2, "tenkjer": 1, "ringjer": 1, "ei": 0.5,
    # nouns and adjectives with a fixed nn form
    "månad": 1, "månaden": 1, "månader": 1, "veke": 1, "veka": 1, "måndag": 1, "tysdag": 1, "laurdag": 1, "sundag": 1,
    "sommar": 1, "haust": 1, "morgon": 1, "vatn": 1, "straum": 1, "skule": 1,
    "skulen": 1, "skular": 1, "born": 1, "borna": 1, "døme": 1, "tilskot": 1,
    "løyve": 1, "stad": 1, "staden": 1, "greitt": 0.5, "stengd": 1, "ope": 1, "open": 1,
    "heim": 1, "namn": 1, "namnet": 1, "spørsmåla": 1, "svara": 0.5,
    "tilsett": 1, "tilsette": 1, "eigen": 1, "eige": 1, "eigne": 1, "mogleg": 1,
    "slik": 0, "dokker": 0, "dokkar": 0,
    # common nn typos/variants
    "ikkej": 2, "ikje": 1, "korleie": 1,
}

NB_WORDS: dict[str, float] = {
    "jeg": 2, "ikke": 2, "hva": 2, "hvordan": 2, "hvem": 2, "hvorfor": 2, "hvor": 2,
    "hver": 1, "hvert": 1, "hverandre": 2, "hvilken": 2, "hvilke": 2, "hvilket": 2,
    "hvis": 2, "hun": 2, "hennes": 2, "deres": 1, "disse": 2, "de": 1, "dem": 0.5,
    "en": 2, "et": 2, "ett": 1, "noe": 2, "noen": 2, "ingen": 0, "mye": 2, "flere": 2,
    "mer": 2, "hele": 1, "helt": 1, "annet": 1, "annen": 1, "selv": 1, "selve": 1,
    "eneste": 1,
    "fra": 2, "hos": 0.5, "uten": 1, "innen": 1, "sammen": 1, "mens": 2, "siden": 1,
    "derfor": 0.5, "da": 1, "bare": 2, "nå": 1, "også": 0.5, "ennå": 1, "ellers": 1,
    "fortsatt": 1, "nemlig": 1, "hjemme": 1, "rundt": 0,
    "være": 2, "vært": 2, "ble": 1, "gjør": 2, "gjøre": 2, "gikk": 1, "se": 1,
    "trenger": 2, "vet": 2, "kommer": 2, "komme": 2, "finnes": 2, "tror": 2,
    "synes": 2, "hører": 1, "høre": 0.5, "gir": 0.5, "fikk": 1, "bor": 1, "bo": 0.5,
    "ønsker": 1, "husk": 1, "huske": 1, "glem": 1, "glemme": 1, "glemt": 1,
    "begynner": 1, "begynne": 1, "vær": 1, "lager": 0.5, "bruker": 0.5, "dere": 2,
    "gjelder": 1, "koster": 1, "snakker": 1, "jobber": 1, "åpner": 1, "handler": 1,
    "bytter": 1, "sier": 1, "spiller": 1, "ligger": 1, "klager": 1, "svarer": 1,
    "virker": 1, "skjønner": 1, "takker": 1, "søker": 0.5, "tenker": 0.5, "måned": 1, "måneden": 1,
    "måneder": 1,
    "uke": 1, "uka": 1, "uken": 1, "mandag": 1, "tirsdag": 1, "lørdag": 1, "søndag": 1,
    "sommer": 1, "høst": 1, "morgen": 1, "vann": 1, "strøm": 1, "skole": 0.5,
    "skolen": 0.5, "skoler": 1, "barn": 0, "eksempel": 0.5, "tilskudd": 1,
    "tillatelse": 1, "sted": 1, "stedet": 1, "greit": 0.5, "stengt": 0, "åpen": 1,
    "åpent": 1, "hjem": 1, "navn": 1, "navnet": 1, "ansatt": 1, "ansatte": 1,
    "egen": 1, "eget": 1, "egne": 1, "mulig": 1, "vennlig": 1,
    "ikek": 1, "ikkee": 1, "hvordn": 1, "hvorda": 1, "hvrodan": 1,
}

# Stems matched at the start of a word.
NN_PREFIXES: dict[str, float] = {
    "tenest": 1, "bustad": 1, "sjuk": 1, "heim": 1, "eigedom": 1, "opn": 1,
    "opning": 1, "partnar": 1, "innbyggjar": 1, "innbyggar": 1, "søkj": 1,
    "byggj": 1, "spørsmåla": 1, "skule": 1, "kvifor": 1, "korleis": 1, "verksemd": 1,
    "kommunar": 1, "eigen": 1,
}
NB_PREFIXES: dict[str, float] = {
    "tjenest": 1, "bolig": 1, "syke": 1, "sykd": 1, "sykm": 1, "hjemme": 1, "eiendom": 1, "åpn": 1,
    "åpning": 1, "partner": 1, "skole": 0.5, "innbygger": 1, "hv": 1, "virksomhet": 1,
    "kommuner": 1, "egen": 1,
}

# Endings: (suffix, weight, minimum word length).
NN_SUFFIXES: list[tuple[str, float, int]] = [
    ("leg", 1, 5), ("legt", 1, 6), ("heit", 1, 6), ("heita", 1, 7),
    ("ingar", 1, 7), ("ingane", 1, 8), ("inga", 0.5, 6), ("kje", 1, 5), ("gje", 1, 5),
    ("gjer", 1, 6), ("kjer", 1, 6), ("ande", 1, 7), ("ane", 0.5, 6), ("ast", 0.5, 6), ("ar", 0.5, 5), ("arar", 1, 6), ("aren", 0.5, 6),
]
NB_SUFFIXES: list[tuple[str, float, int]] = [
    ("lig", 1, 5), ("lige", 1, 6), ("ligt", 1, 6), ("het", 1, 6), ("heten", 1, 7),
    ("inger", 1, 7), ("ingene", 1, 8), ("ingen", 0.5, 7), ("ene", 0.5, 6),
    ("es", 0.3, 6),
]

# Words an ending rule would misjudge (shared or foreign words).
SUFFIX_EXCEPTIONS: set[str] = {
    "sommar", "januar", "februar", "dollar", "bestemmelse", "altar", "kalendar",
    "seminar", "formular", "vikar", "kommissar", "nektar", "radar", "sonar",
    "alene", "scene", "gene", "skjermbilde", "tines",
    "ingen", "planen", "ingenting", "kontakt", "sjekke", "prosjekt", "billett",
    "kontakte", "hjelpe", "epost", "e-post", "planar", "teknologi", "legevakt",
    "kommunal", "minimal", "normal", "eller", "heller", "sosial", "regional",
    "nasjonal", "digital", "total", "lokal", "ideal", "fastlege", "lege", "kollega",
    "kollegar", "avgift", "helse", "mellom", "sakshandsamar", "liksom",
    "sitt", "sine", "sist", "sjekk", "feil", "helst",
    "par", "bar", "far", "har", "var", "kar", "dar", "plass",
    "skatt", "frist", "pris", "gratis", "lenke", "adresse", "telefon", "mobil",
    "bibliotek", "kontor", "kontoret", "fest", "test", "best", "mest", "verst", "vest",
    "øst", "post", "lyst", "rust", "kunst", "hest", "gjest", "prest", "først", "sikkert",
    "blande", "forstande", "kaffe", "ane", "bane", "vane", "rane", "stå", "steinar", "kommunestyre",
}

# Multi-word expressions, checked on the normalised text with spaces around it.
NN_PHRASES: dict[str, float] = {
    " kor mykje ": 1, " kor tid ": 1, " kva tid ": 1, " kva for ": 1, " kva slags ": 1,
    " ha det godt ": 0, " sjåast ": 1,
}
NB_PHRASES: dict[str, float] = {
    " hvor mye ": 1, " hvor lenge ": 1, " hva slags ": 1, " ha det bra ": 0,
}

# Strong markers worth a fuzzy (one-typo) match; only long words, to stay safe.
FUZZY_NN: tuple[str, ...] = ("kva", "kven", "korleis", "kvifor", "ikkje", "mykje", "berre", "nokon", "fleire")
FUZZY_NB: tuple[str, ...] = ("hva", "hvem", "hvordan", "hvorfor", "trenger", "kommer", "hverandre", "flere")

# Words that carry no evidence at all, whatever the training data says: greetings, thanks, yes/no,
# the bot's name, and dialect forms writers of both standards use. A conversation's standard is kept
# across them (kari.nlu.malform.conversation_malform).
NEUTRAL: set[str] = {
    "hei", "heia", "heisann", "hallo", "halla", "hallaien", "morn", "takk", "tusen",
    "ok", "okei", "okay", "ja", "jo", "nei", "nope", "jepp", "kari", "bot",
    "ka", "kossen", "kess", "æ", "e", "ittje", "itte", "kem", "ke",
}
