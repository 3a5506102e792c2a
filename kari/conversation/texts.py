"""Texts of the dialogue actions (clarification, handover, feedback, "forget me"), nn and nb."""

from __future__ import annotations

from kari.conversation.language import is_english
from kari.knowledge.kinds import BY_ASPECT
from kari.knowledge.texts import EMAIL, PHONE, std

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
        "handover_general": f"Du kan snakke med ein person hos Ålesund kommune på {PHONE}, eller skrive til {EMAIL}.",
        "handover_also": f"Elles når du kommunen på {PHONE} eller {EMAIL}.",
        "handover_no_contact": f"Eg har ikkje eigen kontakt for {{name}}, men du kan snakke med ein person hos "
        f"Ålesund kommune på {PHONE}, eller skrive til {EMAIL}.",
        "feedback_good_button": "Svaret hjelpte",
        "feedback_bad_button": "Svaret hjelpte ikkje",
        "forgotten": "Samtalen din er no sletta. Skriv gjerne igjen om du lurer på noko anna.",
        "forget_failed": f"Eg fekk ikkje sletta samtalen akkurat no. Prøv igjen om litt, eller ring {PHONE}. "
        "Samtalar blir uansett sletta automatisk etter 30 dagar.",
        "forget_confirm": "Vil du at eg skal slette heile samtalen vår no? Det kan ikkje gjerast om.",
        "forget_yes": "Ja, slett samtalen",
        "forget_no": "Nei, behald han",
        "unknown": "Det veit eg dessverre ikkje sikkert.",
        "who_knows": "Spørsmål om {name}? Ring {phone}.",
        "own_case": "Saka di kan eg ikkje sjå, og eg kan ikkje ta kontakt med deg – det kan berre ein sakshandsamar.",
        "why_partnership": "{project} er ein del av samarbeidet med {partner}, og kvifor kommunen er med der, "
        "står her:",
        "elsewhere": "Eg kjenner berre til tenestene til Ålesund kommune, så om {place} bør du spørje "
        "{place} kommune. Gjeld det Ålesund, kan du ringje {phone} eller skrive til {email}.",
        "out_of_scope": "Det kan eg dessverre ikkje hjelpe med – eg kjenner berre til tenestene og "
        f"samarbeidsprosjekta til Ålesund kommune. Gjeld det kommunen, kan du ringje {PHONE} "
        f"eller skrive til {EMAIL}. Elles er etaten eller verksemda saka gjeld, ein betre stad å spørje.",
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
        "handover_general": f"Du kan snakke med en person hos Ålesund kommune på {PHONE}, eller skrive til {EMAIL}.",
        "handover_also": f"Ellers når du kommunen på {PHONE} eller {EMAIL}.",
        "handover_no_contact": f"Jeg har ikke egen kontakt for {{name}}, men du kan snakke med en person hos "
        f"Ålesund kommune på {PHONE}, eller skrive til {EMAIL}.",
        "feedback_good_button": "Svaret hjalp",
        "feedback_bad_button": "Svaret hjalp ikke",
        "forgotten": "Samtalen din er nå slettet. Skriv gjerne igjen hvis du lurer på noe annet.",
        "forget_failed": f"Jeg fikk ikke slettet samtalen akkurat nå. Prøv igjen om litt, eller ring {PHONE}. "
        "Samtaler slettes uansett automatisk etter 30 dager.",
        "forget_confirm": "Vil du at jeg skal slette hele samtalen vår nå? Det kan ikke angres.",
        "forget_yes": "Ja, slett samtalen",
        "forget_no": "Nei, behold den",
        "unknown": "Det vet jeg dessverre ikke sikkert.",
        "who_knows": "Spørsmål om {name}? Ring {phone}.",
        "own_case": "Saken din kan jeg ikke se, og jeg kan ikke ta kontakt med deg – det kan bare en saksbehandler.",
        "why_partnership": "{project} er en del av samarbeidet med {partner}, og hvorfor kommunen er med der, "
        "står her:",
        "elsewhere": "Jeg kjenner bare til tjenestene til Ålesund kommune, så om {place} bør du spørre "
        "{place} kommune. Gjelder det Ålesund, kan du ringe {phone} eller skrive til {email}.",
        "out_of_scope": "Det kan jeg dessverre ikke hjelpe med – jeg kjenner bare til tjenestene og "
        f"samarbeidsprosjektene til Ålesund kommune. Gjelder det kommunen, kan du ringe {PHONE} "
        f"eller skrive til {EMAIL}. Ellers er etaten eller virksomheten saken gjelder, et bedre sted å spørre.",
    },
}


def dt(malform: str | None, key: str, /, **values: str) -> str:
    return TEXTS[std(malform)][key].format(**values)


def option_title(name: str, aspect: str, malform: str | None) -> str:
    """A button title in plain words: the topic's name, plus the question kind unless it is 'about'."""
    label = BY_ASPECT[aspect].label(std(malform)) if aspect in BY_ASPECT else ""
    return f"{name} – {label}" if label else name


# Emergencies: the number first, in the citizen's standard (and in English when they wrote English).
EMERGENCY = {
    "nn": {
        "medical": "Ring 113 no – det er naudnummeret for ambulanse når liv og helse står i fare.",
        "fire": "Ring 110 no – det er naudnummeret for brann. Kom deg ut og varsle andre.",
        "police": "Ring 112 no – det er naudnummeret til politiet.",
        "suicide": "Er livet i fare no, ring 113. Du kan òg snakke med nokon heile døgnet på "
        "Mental Helse sin hjelpetelefon 116 123.",
        "child": "Er eit barn i fare no, ring 112. Barn og unge kan òg ringje Alarmtelefonen for barn og unge "
        "på 116 111.",
        "less_urgent": "Er det ikkje livsfarleg, men hastar, ring legevakta på 116 117.",
        "likely": "Står liv eller helse i fare no? Ring 113 (ambulanse), 110 (brann) eller 112 (politi).",
    },
    "nb": {
        "medical": "Ring 113 nå – det er nødnummeret for ambulanse når liv og helse står i fare.",
        "fire": "Ring 110 nå – det er nødnummeret for brann. Kom deg ut og varsle andre.",
        "police": "Ring 112 nå – det er nødnummeret til politiet.",
        "suicide": "Er livet i fare nå, ring 113. Du kan også snakke med noen hele døgnet på "
        "Mental Helse sin hjelpetelefon 116 123.",
        "child": "Er et barn i fare nå, ring 112. Barn og unge kan også ringe Alarmtelefonen for barn og unge "
        "på 116 111.",
        "less_urgent": "Er det ikke livsfarlig, men haster, ring legevakten på 116 117.",
        "likely": "Står liv eller helse i fare nå? Ring 113 (ambulanse), 110 (brann) eller 112 (politi).",
    },
    "en": {
        "medical": "Call 113 now – the emergency number for an ambulance.",
        "fire": "Call 110 now – the emergency number for fire.",
        "police": "Call 112 now – the emergency number for the police.",
        "suicide": "If a life is in danger, call 113 now. You can also talk to someone day and night at "
        "Mental Helse's helpline, 116 123.",
        "child": "If a child is in danger, call 112 now. Children and young people can call 116 111.",
        "less_urgent": "If it is urgent but not life-threatening, call the out-of-hours doctor on 116 117.",
        "likely": "Is a life in danger now? Call 113 (ambulance), 110 (fire) or 112 (police).",
    },
}


def emergency_text(categories: tuple[str, ...], malform: str | None, message: str = "") -> str:
    """The emergency numbers for `categories`, most urgent first; English too when asked in English."""
    lines = [EMERGENCY[std(malform)][c] for c in categories]
    if "medical" in categories:
        lines.append(EMERGENCY[std(malform)]["less_urgent"])
    if is_english(message):
        lines = [EMERGENCY["en"][c] for c in categories] + lines
    return "\n".join(lines)


def likely_emergency_text(malform: str | None, message: str = "") -> str:
    """The line that opens a reply to a message that reads like an emergency no pattern matched."""
    line = EMERGENCY[std(malform)]["likely"]
    return f"{EMERGENCY['en']['likely']}\n{line}" if is_english(message) else line


def join_or(items: list[str], malform: str | None) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {TEXTS[std(malform)]['or']} {items[-1]}"
