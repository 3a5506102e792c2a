"""Norwegian public holidays (offentlege høgtidsdagar / offentlige helligdager).

The twelve days of the Act on public holidays: fixed dates plus the Easter-dependent ones
(dateutil's Western Easter, which Rasa already installs). Christmas Eve and New Year's Eve are not
public holidays, and neither is any Sunday as such (weekends are handled by the service desk).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter

# (nn, nb) names
_FIXED = {
    (1, 1): ("nyttårsdagen", "nyttårsdagen"),
    (5, 1): ("offentleg høgtidsdag (1. mai)", "offentlig høytidsdag (1. mai)"),
    (5, 17): ("grunnlovsdagen (17. mai)", "grunnlovsdagen (17. mai)"),
    (12, 25): ("første juledag", "første juledag"),
    (12, 26): ("andre juledag", "andre juledag"),
}
_FROM_EASTER = {
    -3: ("skjærtorsdag", "skjærtorsdag"),
    -2: ("langfredag", "langfredag"),
    0: ("første påskedag", "første påskedag"),
    1: ("andre påskedag", "andre påskedag"),
    39: ("Kristi himmelfartsdag", "Kristi himmelfartsdag"),
    49: ("første pinsedag", "første pinsedag"),
    50: ("andre pinsedag", "andre pinsedag"),
}


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, tuple[str, str]]:
    """Every public holiday of `year` → (Nynorsk name, Bokmål name); twelve days, fewer dates when
    two fall on the same day."""
    days = {date(year, m, d): names for (m, d), names in _FIXED.items()}
    sunday = easter(year)
    for offset, names in _FROM_EASTER.items():
        day = sunday + timedelta(days=offset)
        if day in days:  # e.g. 2027: Whit Monday falls on 17 May
            names = (f"{days[day][0]} og {names[0]}", f"{days[day][1]} og {names[1]}")
        days[day] = names
    return dict(sorted(days.items()))


def holiday_name(day: date, malform: str | None = None) -> str | None:
    """The holiday's name in the written standard (Nynorsk by default), or None on an ordinary day."""
    names = public_holidays(day.year).get(day)
    if names is None:
        return None
    return names[1] if malform == "nb" else names[0]


def is_public_holiday(day: date) -> bool:
    return day in public_holidays(day.year)
