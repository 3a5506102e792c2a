"""Texts of the dialogue actions (clarification, handover, feedback, "forget me"), nn and nb."""
from __future__ import annotations

from kari.knowledge.texts import EMAIL, PHONE, std

# Plain words for each question kind, used in button titles ("Barnehage – pris").
ASPECT_LABELS = {
    "nn": {"why": "kvifor kommunen er med", "apply": "søknad og påmelding", "contact": "kontakt",
           "hours": "opningstider", "deadline": "frist", "price": "pris", "web": "nettside",
           "projects": "prosjekt", "partner": "samarbeidspartnar"},
    "nb": {"why": "hvorfor kommunen er med", "apply": "søknad og påmelding", "contact": "kontakt",
           "hours": "åpningstider", "deadline": "frist", "price": "pris", "web": "nettside",
           "projects": "prosjekter", "partner": "samarbeidspartner"},
}
# Button titles for questions that need no topic.
INTENT_TITLES = {
    "nn": {"ask_partnerships": "Samarbeidspartnarane til kommunen", "request_human": "Snakke med eit menneske",
           "bot_challenge": "Kven er du?", "forget_me": "Slette samtalen"},
    "nb": {"ask_partnerships": "Samarbeidspartnerne til kommunen", "request_human": "Snakke med et menneske",
           "bot_challenge": "Hvem er du?", "forget_me": "Slette samtalen"},
}

TEXTS: dict[str, dict[str, str]] = {
    "nn": {
        "clarify_one": "Eg er ikkje heilt sikker på kva du meiner. Meinte du {option}?",
        "clarify_many": "Eg er ikkje heilt sikker på kva du meiner. Meinte du ein av desse?",
        "clarify_topic": "Meinte du {options}?",
        "or": "eller",
        "give_up": "Orsak, eg forstår ikkje kva du er ute etter.",
        "no_list": "Eg veit ikkje kva liste du viser til. Skriv gjerne namnet på det du lurer på.",
        "anything_else": "Greitt! Er det noko anna eg kan hjelpe deg med?",
        "handover_topic": "Vil du snakke med nokon om {name}: {contact}",
        "handover_general": f"Du kan snakke med ein person hos Ålesund kommune på {PHONE}, "
                            f"eller skrive til {EMAIL}.",
        "handover_also": f"Elles når du kommunen på {PHONE} eller {EMAIL}.",
        "handover_no_contact": f"Eg har ikkje eigen kontakt for {{name}}, men du kan snakke med ein person hos "
                               f"Ålesund kommune på {PHONE}, eller skrive til {EMAIL}.",
        "feedback_good_button": "Svaret hjelpte",
        "feedback_bad_button": "Svaret hjelpte ikkje",
        "forgotten": "Samtalen din er no sletta. Skriv gjerne igjen om du lurer på noko anna.",
        "forget_failed": f"Eg fekk ikkje sletta samtalen akkurat no. Prøv igjen om litt, eller ring {PHONE}. "
                         "Samtalar blir uansett sletta automatisk etter 30 dagar.",
    },
    "nb": {
        "clarify_one": "Jeg er ikke helt sikker på hva du mener. Mente du {option}?",
        "clarify_many": "Jeg er ikke helt sikker på hva du mener. Mente du en av disse?",
        "clarify_topic": "Mente du {options}?",
        "or": "eller",
        "give_up": "Beklager, jeg forstår ikke hva du er ute etter.",
        "no_list": "Jeg vet ikke hvilken liste du viser til. Skriv gjerne navnet på det du lurer på.",
        "anything_else": "Greit! Er det noe annet jeg kan hjelpe deg med?",
        "handover_topic": "Vil du snakke med noen om {name}: {contact}",
        "handover_general": f"Du kan snakke med en person hos Ålesund kommune på {PHONE}, "
                            f"eller skrive til {EMAIL}.",
        "handover_also": f"Ellers når du kommunen på {PHONE} eller {EMAIL}.",
        "handover_no_contact": f"Jeg har ikke egen kontakt for {{name}}, men du kan snakke med en person hos "
                               f"Ålesund kommune på {PHONE}, eller skrive til {EMAIL}.",
        "feedback_good_button": "Svaret hjalp",
        "feedback_bad_button": "Svaret hjalp ikke",
        "forgotten": "Samtalen din er nå slettet. Skriv gjerne igjen hvis du lurer på noe annet.",
        "forget_failed": f"Jeg fikk ikke slettet samtalen akkurat nå. Prøv igjen om litt, eller ring {PHONE}. "
                         "Samtaler slettes uansett automatisk etter 30 dager.",
    },
}


def dt(malform: str | None, key: str, /, **values: str) -> str:
    return TEXTS[std(malform)][key].format(**values)


def option_title(name: str, aspect: str, malform: str | None) -> str:
    """A button title in plain words: the topic's name, plus the question kind unless it is 'about'."""
    label = ASPECT_LABELS[std(malform)].get(aspect)
    return f"{name} – {label}" if label else name


def join_or(items: list[str], malform: str | None) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {TEXTS[std(malform)]['or']} {items[-1]}"
