"""Is the municipality's service desk (Innbyggartorget, 70 16 20 00) open right now?

Hours: weekdays 09.00–14.00, the newest hours the municipality has published (a page from early
2024; older pages differ, see the `review` note on `alesund-kommune` hours in the knowledge base).
Closed on weekends and Norwegian public holidays. Always Europe/Oslo time, whatever the server's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from kari.conversation.calendar import holiday_name

OPENS = time(9, 0)
CLOSES = time(14, 0)
WEEKDAYS = {
    "nn": ("måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag"),
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
}


def oslo() -> tzinfo:
    """Europe/Oslo from the system's time-zone database, else the copy bundled with dateutil."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Oslo")
    except Exception:  # no tz database on the system (slim containers)
        from dateutil.zoneinfo import get_zonefile_instance

        zone = get_zonefile_instance().get("Europe/Oslo")
        if zone is None:
            raise
        return zone


def now_in_oslo() -> datetime:
    return datetime.now(oslo())


def _open_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


@dataclass(frozen=True)
class DeskStatus:
    open: bool
    now: datetime  # Oslo time
    closes: datetime | None  # when open: closing time today
    next_open: datetime | None  # when closed: the next opening
    holiday: str | None = None  # today's holiday name (Nynorsk), if any


def status(now: datetime | None = None) -> DeskStatus:
    """The desk's state at `now` (aware datetimes are converted to Oslo time; naive ones are taken
    as Oslo time)."""
    zone = oslo()
    now = now_in_oslo() if now is None else (now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone))
    today = now.date()
    if _open_day(today) and OPENS <= now.time() < CLOSES:
        return DeskStatus(True, now, datetime.combine(today, CLOSES, zone), None)
    day = today if _open_day(today) and now.time() < OPENS else today + timedelta(days=1)
    while not _open_day(day):
        day += timedelta(days=1)
    return DeskStatus(False, now, None, datetime.combine(day, OPENS, zone), holiday_name(today))


def _hhmm(moment: time) -> str:
    return f"{moment.hour:02d}.{moment.minute:02d}"


TEXTS = {
    "nn": {
        "open": "Innbyggartorget (telefon 70 16 20 00, kvardagar kl. {opens}–{closes}) er ope no, fram til "
        "kl. {closes}.",
        "closed": "Innbyggartorget (telefon 70 16 20 00, kvardagar kl. {opens}–{closes}) er stengt "
        "no{why}. Det opnar {when} kl. {opens}.",
        "holiday": " fordi det er {name}",
        "weekend": " i helga",
        "today": "att seinare i dag",
        "tomorrow": "att i morgon",
        "weekday": "att på {weekday}",
        "date": "att {weekday} {day}. {month}",
    },
    "nb": {
        "open": "Innbyggertorget (telefon 70 16 20 00, hverdager kl. {opens}–{closes}) er åpent nå, fram "
        "til kl. {closes}.",
        "closed": "Innbyggertorget (telefon 70 16 20 00, hverdager kl. {opens}–{closes}) er stengt "
        "nå{why}. Det åpner {when} kl. {opens}.",
        "holiday": " fordi det er {name}",
        "weekend": " i helgen",
        "today": "igjen senere i dag",
        "tomorrow": "igjen i morgen",
        "weekday": "igjen på {weekday}",
        "date": "igjen {weekday} {day}. {month}",
    },
}
MONTHS = {
    "nn": (
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    )
}
MONTHS["nb"] = MONTHS["nn"]


def describe(desk: DeskStatus, malform: str | None = None) -> str:
    """One sentence for the citizen: open now (until when) or closed (why, and when it opens)."""
    m = "nb" if malform == "nb" else "nn"
    txt = TEXTS[m]
    hours = {"opens": _hhmm(OPENS), "closes": _hhmm(CLOSES)}
    if desk.open:
        return txt["open"].format(**hours)
    today = desk.now.date()
    holiday = holiday_name(today, m)
    if holiday:
        why = txt["holiday"].format(name=holiday)
    elif today.weekday() >= 5:
        why = txt["weekend"]
    else:
        why = ""
    nxt = desk.next_open.date() if desk.next_open else today
    days = (nxt - today).days
    weekday = WEEKDAYS[m][nxt.weekday()]
    if days == 0:
        when = txt["today"]
    elif days == 1:
        when = txt["tomorrow"]
    elif (
        days < 7
        and not holiday_name(today)
        and not any(holiday_name(today + timedelta(days=i)) for i in range(1, days))
    ):
        when = txt["weekday"].format(weekday=weekday)
    else:
        when = txt["date"].format(weekday=weekday, day=nxt.day, month=MONTHS[m][nxt.month - 1])
    return txt["closed"].format(why=why, when=when, **hours)
