"""`kb check` lists what staff must look at; --strict turns a non-empty list into exit 1."""
from __future__ import annotations

from sqlalchemy import update

from kari.knowledge import cli
from kari.knowledge.db import session_scope
from kari.knowledge.models import Answer, Topic


def test_check_lists_missing_translation_source_stale_and_flagged(kb, capsys):
    with session_scope() as s:
        s.execute(update(Answer).where(Answer.aspect == "deadline").values(text_nb=""))
        s.execute(update(Topic).where(Topic.key == "startlan").values(name_nn=""))
    capsys.readouterr()
    assert cli.main(["check", "--today", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "barnehage/deadline: no nb text" in out
    assert "startlan: name has no nn text" in out
    assert "eigedomsskatt/about: answer has no source link" in out
    assert "barnehage/price: last checked 2020-01-01" in out
    assert "barnehage/about" not in out  # checked 2026-11-26: fresh, sourced, translated
    assert "gronn-campus/about: Seed text from the Nye Ålesund site" in out
    assert cli.main(["check", "--strict", "--today", "2026-12-01"]) == 1


def test_check_twelve_month_boundary_and_clean_strict(kb, capsys):
    with session_scope() as s:
        s.execute(update(Answer).values(review=None))
        s.execute(update(Answer).where(Answer.source_id.is_(None)).values(source_id=1))
        s.execute(update(Answer).values(checked=__import__("datetime").date(2025, 12, 1)))
    capsys.readouterr()
    assert cli.main(["check", "--strict", "--today", "2026-12-01"]) == 0
    assert "nothing to look at" in capsys.readouterr().out
    assert cli.main(["check", "--strict", "--today", "2026-12-02"]) == 1
    assert "last checked 2025-12-01" in capsys.readouterr().out
