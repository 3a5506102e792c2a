"""Reply templates for composed knowledge answers, Nynorsk (nn) and Bokmål (nb)."""

from __future__ import annotations

PHONE = "70 16 20 00"
EMAIL = "postmottak@alesund.kommune.no"
MUNICIPALITY_URL = "https://alesund.kommune.no/"

TEXTS: dict[str, dict[str, str]] = {
    "nn": {
        "unknown": f"Det veit eg dessverre ikkje sikkert. Ring Ålesund kommune på {PHONE} eller skriv til {EMAIL}.",
        "contact_us": f"Ring Ålesund kommune på {PHONE} eller skriv til {EMAIL}.",
        "see_also": "Sjå også {url}",
        "source": "Kjelde: {url}",
        "caution": f"Dette kan vere utdatert – sjekk kjelda eller ring {PHONE}.",
        "caution_no_source": f"Dette kan vere utdatert – ring {PHONE} for å vere sikker.",
        "caution_short": "Dette kan vere utdatert – sjekk kjelda.",
        "caution_operator": "Dette kan vere utdatert – sjekk kjelda eller kontakt {operator}.",
        "caution_operator_no_source": "Dette kan vere utdatert – kontakt {operator} for å vere sikker.",
        "as_of.figures": "Tala er frå {when}.",
        "as_of.contact": "Opplysningane er frå {when}.",
        "before": "før {year}",
        "web": "Nettsida til {name}: {url}",
        "web_source_only": "Eg har ikkje eiga nettadresse for {name}. Det eg veit om det, kjem frå {url}",
        "projects": "{name} har desse prosjekta og aktivitetane saman med Ålesund kommune:",
        "partner_of_project": "{name} er eit prosjekt i samarbeidet mellom Ålesund kommune og {partner}.",
        "partner_is_partner": "{name} er sjølv ein av samarbeidspartnarane til Ålesund kommune.",
        "partnerships": "Ålesund kommune har desse samarbeidspartnarane innan innovasjon:",
        "partnerships_none": "Eg finn dessverre ingen samarbeidspartnarar i kunnskapsbasen min.",
        "missing.about": "Eg har dessverre inga omtale av {name}.",
        "missing.why": "Eg veit dessverre ikkje kvifor kommunen er med i {name}.",
        "missing.apply": "Eg har dessverre ikkje informasjon om korleis du søkjer eller melder deg på {name}.",
        "missing.contact": "Eg har dessverre ikkje kontaktinformasjon for {name}.",
        "missing.hours": "Eg har dessverre ikkje opningstider for {name}.",
        "missing.deadline": "Eg har dessverre ikkje nokon frist for {name}.",
        "missing.price": "Eg har dessverre ikkje prisar for {name}.",
        "missing.web": "Eg har dessverre ikkje nettadressa til {name}.",
        "missing.projects": "Eg har dessverre ikkje nokon prosjektliste for {name}.",
        "missing.partner": "Eg veit dessverre ikkje kva samarbeidspartnar {name} høyrer til.",
    },
    "nb": {
        "unknown": f"Det vet jeg dessverre ikke sikkert. Ring Ålesund kommune på {PHONE} eller skriv til {EMAIL}.",
        "contact_us": f"Ring Ålesund kommune på {PHONE} eller skriv til {EMAIL}.",
        "see_also": "Se også {url}",
        "source": "Kilde: {url}",
        "caution": f"Dette kan være utdatert – sjekk kilden eller ring {PHONE}.",
        "caution_no_source": f"Dette kan være utdatert – ring {PHONE} for å være sikker.",
        "caution_short": "Dette kan være utdatert – sjekk kilden.",
        "caution_operator": "Dette kan være utdatert – sjekk kilden eller kontakt {operator}.",
        "caution_operator_no_source": "Dette kan være utdatert – kontakt {operator} for å være sikker.",
        "as_of.figures": "Tallene er fra {when}.",
        "as_of.contact": "Opplysningene er fra {when}.",
        "before": "før {year}",
        "web": "Nettsiden til {name}: {url}",
        "web_source_only": "Jeg har ingen egen nettadresse for {name}. Det jeg vet om det, kommer fra {url}",
        "projects": "{name} har disse prosjektene og aktivitetene sammen med Ålesund kommune:",
        "partner_of_project": "{name} er et prosjekt i samarbeidet mellom Ålesund kommune og {partner}.",
        "partner_is_partner": "{name} er selv en av samarbeidspartnerne til Ålesund kommune.",
        "partnerships": "Ålesund kommune har disse samarbeidspartnerne innen innovasjon:",
        "partnerships_none": "Jeg finner dessverre ingen samarbeidspartnere i kunnskapsbasen min.",
        "missing.about": "Jeg har dessverre ingen omtale av {name}.",
        "missing.why": "Jeg vet dessverre ikke hvorfor kommunen er med i {name}.",
        "missing.apply": "Jeg har dessverre ikke informasjon om hvordan du søker eller melder deg på {name}.",
        "missing.contact": "Jeg har dessverre ikke kontaktinformasjon for {name}.",
        "missing.hours": "Jeg har dessverre ikke åpningstider for {name}.",
        "missing.deadline": "Jeg har dessverre ingen frist for {name}.",
        "missing.price": "Jeg har dessverre ikke priser for {name}.",
        "missing.web": "Jeg har dessverre ikke nettadressen til {name}.",
        "missing.projects": "Jeg har dessverre ingen prosjektliste for {name}.",
        "missing.partner": "Jeg vet dessverre ikke hvilken samarbeidspartner {name} hører til.",
    },
}


def std(malform: str | None) -> str:
    """The written standard to reply in: nb only when known to be nb; Nynorsk is the default."""
    return "nb" if malform == "nb" else "nn"


def t(malform: str | None, template: str, /, **values: str) -> str:
    return TEXTS[std(malform)][template].format(**values)
