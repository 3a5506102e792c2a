"""Is the service desk open right now? Europe/Oslo time, weekends and public holidays."""

from datetime import datetime, timezone

import pytest

from kari.conversation.service_desk import describe, oslo, status


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=oslo())


@pytest.mark.parametrize(
    "moment,is_open",
    [
        ("2026-11-26 09:00", True),  # Thursday, opening minute
        ("2026-11-26 13:59", True),
        ("2026-11-26 14:00", False),  # closes at 14.00
        ("2026-11-26 08:59", False),
        ("2026-11-28 11:00", False),  # Saturday
        ("2026-11-29 11:00", False),  # Sunday
        ("2027-05-17 10:00", False),  # Constitution Day on a Monday
        ("2026-04-02 10:00", False),  # Maundy Thursday
        ("2026-05-14 10:00", False),  # Ascension Day
        ("2026-12-24 10:00", True),  # Christmas Eve is not a public holiday
    ],
)
def test_open_or_closed(moment, is_open):
    assert status(at(moment)).open is is_open


def test_converts_other_time_zones_to_oslo():
    # 08.30 UTC is 09.30 in Oslo in winter (open) …
    assert status(datetime(2026, 11, 26, 8, 30, tzinfo=timezone.utc)).open
    # … and 07.30 UTC is 09.30 in summer time (open), while 12.30 UTC is 14.30 (closed).
    assert status(datetime(2026, 7, 1, 7, 30, tzinfo=timezone.utc)).open
    assert not status(datetime(2026, 7, 1, 12, 30, tzinfo=timezone.utc)).open


def test_next_opening_skips_weekends_and_easter():
    desk = status(at("2026-04-01 15:00"))  # Wednesday before Easter, after closing
    assert desk.next_open == at("2026-04-07 09:00")  # Tuesday after Easter Monday
    assert "tysdag 7. april kl. 09.00" in describe(desk)
    assert "tirsdag 7. april kl. 09.00" in describe(desk, "nb")


def test_texts_say_open_until_or_closed_and_why():
    assert "er ope no, fram til kl. 14.00" in describe(status(at("2026-11-26 10:00")))
    assert "er åpent nå, fram til kl. 14.00" in describe(status(at("2026-11-26 10:00")), "nb")
    assert "stengt no i helga" in describe(status(at("2026-11-28 10:00")))
    assert "Det opnar att på måndag kl. 09.00" in describe(status(at("2026-11-28 10:00")))
    text = describe(status(at("2027-05-17 10:00")), "nb")
    assert "stengt nå fordi det er grunnlovsdagen (17. mai)" in text and "i morgen kl. 09.00" in text
    assert "seinare i dag kl. 09.00" in describe(status(at("2026-11-27 07:00")))
    assert "70 16 20 00" in describe(status(at("2026-11-27 07:00")))
