"""Norwegian public holidays: the calendar the service desk's opening hours depend on."""

from datetime import date

import pytest

from kari.conversation.calendar import holiday_name, is_public_holiday, public_holidays

# Published calendars (e.g. the Norwegian almanac), Easter-dependent days checked by hand.
EXPECTED = {
    2024: [
        "2024-01-01",
        "2024-03-28",
        "2024-03-29",
        "2024-03-31",
        "2024-04-01",
        "2024-05-01",
        "2024-05-09",
        "2024-05-17",
        "2024-05-19",
        "2024-05-20",
        "2024-12-25",
        "2024-12-26",
    ],
    2025: [
        "2025-01-01",
        "2025-04-17",
        "2025-04-18",
        "2025-04-20",
        "2025-04-21",
        "2025-05-01",
        "2025-05-17",
        "2025-05-29",
        "2025-06-08",
        "2025-06-09",
        "2025-12-25",
        "2025-12-26",
    ],
    2026: [
        "2026-01-01",
        "2026-04-02",
        "2026-04-03",
        "2026-04-05",
        "2026-04-06",
        "2026-05-01",
        "2026-05-14",
        "2026-05-17",
        "2026-05-24",
        "2026-05-25",
        "2026-12-25",
        "2026-12-26",
    ],
}


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_twelve_holidays_of_a_year(year):
    assert [d.isoformat() for d in public_holidays(year)] == EXPECTED[year]


def test_two_holidays_on_one_date_keep_both_names():
    # 2027: Easter is 28 March, so Whit Monday (Easter + 50) is 17 May.
    days = public_holidays(2027)
    assert len(days) == 11 and date(2027, 5, 16) in days
    assert holiday_name(date(2027, 5, 17)) == "grunnlovsdagen (17. mai) og andre pinsedag"


def test_names_in_both_written_standards():
    assert holiday_name(date(2026, 5, 17)) == "grunnlovsdagen (17. mai)"
    assert holiday_name(date(2026, 5, 1)) == "offentleg høgtidsdag (1. mai)"
    assert holiday_name(date(2026, 5, 1), "nb") == "offentlig høytidsdag (1. mai)"
    assert holiday_name(date(2026, 4, 3), "nb") == "langfredag"


@pytest.mark.parametrize("day", ["2026-12-24", "2026-12-31", "2026-04-04", "2026-11-26"])
def test_ordinary_days_are_not_holidays(day):
    # Christmas Eve, New Year's Eve and Easter Saturday are not public holidays in Norway.
    assert not is_public_holiday(date.fromisoformat(day)) and holiday_name(date.fromisoformat(day)) is None
