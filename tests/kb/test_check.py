"""`kb check` lists what staff must look at; --strict turns a non-empty list into exit 1."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from kari.knowledge import cli
from kari.knowledge.db import session_scope
from kari.knowledge.models import Answer, Topic


def test_check_lists_missing_translation_source_unverified_old_and_flagged(kb, capsys):
    with session_scope() as s:
        s.execute(update(Answer).where(Answer.aspect == "deadline").values(text_nb=""))
        s.execute(update(Topic).where(Topic.key == "startlan").values(name_nn=""))
        never = s.execute(select(func.count()).select_from(Answer).where(Answer.verified.is_(None))).scalar()
    capsys.readouterr()
    assert cli.main(["check", "--today", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "barnehage/deadline: no nb text" in out
    assert "startlan: name has no nn text" in out
    assert "eigedomsskatt/about: answer has no source link" in out
    assert f"never verified by staff ({never}):" in out and never > 0
    assert "barnehage/price: source_date 2020" in out.split("never verified by staff")[1]
    assert "gronn-campus/about: source shows no date" in out
    assert "source older than 12 months (1):\n  barnehage/price: source_date 2020" in out
    assert "barnehage/about" not in out  # verified 2026-11-26: fresh, sourced, translated
    assert "gronn-campus/about: Seed text from the Nye Ålesund site" in out
    assert f"{never} never verified by staff" in out.splitlines()[-1]
    assert cli.main(["check", "--strict", "--today", "2026-12-01"]) == 1


def test_check_twelve_month_boundary_and_clean_strict(kb, capsys):
    with session_scope() as s:
        s.execute(update(Answer).values(review=None, source_date=None))
        s.execute(update(Answer).where(Answer.source_id.is_(None)).values(source_id=1))
        s.execute(update(Answer).values(verified=dt.date(2025, 12, 1)))
    capsys.readouterr()
    assert cli.main(["check", "--strict", "--today", "2026-12-01"]) == 0
    assert "nothing to look at" in capsys.readouterr().out
    assert cli.main(["check", "--strict", "--today", "2026-12-02"]) == 1
    assert "last verified 2025-12-01" in capsys.readouterr().out


def test_a_recent_verification_makes_an_old_source_current(kb, capsys):
    with session_scope() as s:
        s.execute(update(Answer).values(source_date="../2019", verified=None))
    capsys.readouterr()
    cli.main(["check", "--today", "2026-12-01"])
    assert "barnehage/apply: source_date ../2019" in capsys.readouterr().out.split("source older")[1]
    with session_scope() as s:
        s.execute(update(Answer).values(verified=dt.date(2026, 6, 1)))
    cli.main(["check", "--today", "2026-12-01"])
    out = capsys.readouterr().out
    assert "source older" not in out and "never verified" not in out


def test_operator_contact_must_be_backed_by_the_topics_answers(kb, capsys):
    with session_scope() as s:
        s.execute(
            update(Topic)
            .where(Topic.key == "barnehage")
            .values(operator_nn="Barnehagekontoret (70 00 00 01)", operator_nb="Barnehagekontoret (70 00 00 01)")
        )
    capsys.readouterr()
    cli.main(["check", "--today", "2026-12-01"])
    out = capsys.readouterr().out
    assert (
        "operator contact not in the topic's answers (2):" in out and "barnehage: nn operator names 70 00 00 01" in out
    )
