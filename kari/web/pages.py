"""The demo page: a plausible Ålesund kommune page in Nynorsk or Bokmål with the widget on it.

The page is a stand-in for the municipality's own site. Its only job is to show the widget the
way a citizen meets it: one <script> tag on an ordinary page.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template

TEMPLATE = Template((Path(__file__).parent / "templates" / "demo.html").read_text(encoding="utf-8"))

SITE = "https://alesund.kommune.no"

# (nn title, nb title, path on the municipality's site)
SERVICES = [
    (
        "Søkje barnehageplass",
        "Søke barnehageplass",
        "/barnehage-og-skole/barnehage/soke-svare-eller-endre-barnehageplass/",
    ),
    (
        "Pris for barnehageplass",
        "Pris for barnehageplass",
        "/barnehage-og-skole/barnehage/pris-og-betaling-for-barnehageplass/",
    ),
    ("Ny elev i skulen", "Ny elev i skolen", "/barnehage-og-skole/skole/ny-elev/"),
    ("Legevakt", "Legevakt", "/helse-og-omsorg/legetenester-og-akutt-helsehjelp/legevakt/"),
    (
        "Søknad om å byggje",
        "Søknad om å bygge",
        "/plan-bygg-og-eigedom/skal-du-bygge-rive-eller-endre/slik-sender-du-soknad-sjolv/",
    ),
    ("Målform i kommunen", "Målform i kommunen", "/kommunen/malform/"),
]

TEXTS = {
    "nn": {
        "title": "Ålesund kommune – tenester og kontakt",
        "skip": "Gå til hovudinnhaldet",
        "nav_label": "Hovudmeny",
        "nav": [("Tenester", "#tenester"), ("Kontakt oss", "#kontakt"), ("alesund.kommune.no", SITE + "/")],
        "other_lang": ("På bokmål", "/nb", "nb"),
        "h1": "Velkomen til Ålesund kommune",
        "lead": "Her finn du informasjon om tenestene til kommunen. Har du spørsmål, kan du spørje "
        "chatboten Kari nede til høgre på sida. Kari svarar på nynorsk og bokmål.",
        "services_h": "Mykje brukte tenester",
        "note": "Dette er ei demoside for Kommune-Kari og ikkje den offisielle nettstaden til kommunen.",
        "contact_h": "Kontakt oss",
        "phone": "Telefon",
        "email": "E-post",
        "post": "Postadresse",
        "footer_label": "Kontaktinformasjon",
    },
    "nb": {
        "title": "Ålesund kommune – tjenester og kontakt",
        "skip": "Gå til hovedinnholdet",
        "nav_label": "Hovedmeny",
        "nav": [("Tjenester", "#tenester"), ("Kontakt oss", "#kontakt"), ("alesund.kommune.no", SITE + "/")],
        "other_lang": ("På nynorsk", "/", "nn"),
        "h1": "Velkommen til Ålesund kommune",
        "lead": "Her finner du informasjon om tjenestene til kommunen. Har du spørsmål, kan du spørre "
        "chatboten Kari nede til høyre på siden. Kari svarer på nynorsk og bokmål.",
        "services_h": "Mye brukte tjenester",
        "note": "Dette er en demoside for Kommune-Kari og ikke kommunens offisielle nettsted.",
        "contact_h": "Kontakt oss",
        "phone": "Telefon",
        "email": "E-post",
        "post": "Postadresse",
        "footer_label": "Kontaktinformasjon",
    },
}


def render_demo(lang: str) -> str:
    """The demo page as HTML; `lang` is "nn" or "nb" (anything else gives Nynorsk)."""
    lang = lang if lang in TEXTS else "nn"
    t = TEXTS[lang]
    nav = "\n".join(f'        <li><a href="{escape(href)}">{escape(label)}</a></li>' for label, href in t["nav"])
    services = "\n".join(
        f'        <li><a href="{escape(SITE + path)}">{escape(nn if lang == "nn" else nb)}</a></li>'
        for nn, nb, path in SERVICES
    )
    other_label, other_href, other_lang = t["other_lang"]
    values = {k: escape(v) for k, v in t.items() if isinstance(v, str)}
    return TEMPLATE.substitute(
        values,
        lang=lang,
        nav=nav,
        services=services,
        other_label=escape(other_label),
        other_href=escape(other_href),
        other_lang=other_lang,
    )
