"""`kb import` / `kb export`: strict validation with file:line, atomic replace, canonical round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from kari.knowledge import cli
from kari.knowledge.db import session_scope
from kari.knowledge.models import Alias, Answer, Source, Topic
from tests.kb.conftest import FIXTURES

FILES = ("partners.yml", "projects.yml", "services.yml", "municipality.yml")


def counts() -> tuple[int, int, int, int]:
    with session_scope() as s:
        return tuple(
            s.execute(select(func.count()).select_from(t)).scalar()  # type: ignore[return-value]
            for t in (Topic, Alias, Answer, Source)
        )


def test_import_reports_counts_and_loads_every_topic(db_url, kb_dir, capsys):
    assert cli.main(["import", "--dir", str(kb_dir)]) == 0
    out = capsys.readouterr().out
    assert "2 partners, 3 projects, 5 services, 1 municipality" in out
    with session_scope() as s:
        keys = set(s.execute(select(Topic.key)).scalars())
        naud = s.execute(select(Topic).where(Topic.key == "naudnummer")).scalar_one()
        campus = s.execute(select(Topic).where(Topic.key == "gronn-campus")).scalar_one()
        price = s.execute(
            select(Answer).join(Topic).where(Topic.key == "barnehage", Answer.aspect == "price")
        ).scalar_one()
        assert campus.partner.key == "ntnu"
        assert naud.kind == "service" and naud.file == "municipality"
        assert price.source_date == "2020" and price.verified is None and "2020" in price.review
        about = s.execute(
            select(Answer).join(Topic).where(Topic.key == "barnehage", Answer.aspect == "about")
        ).scalar_one()
        assert about.verified == dt.date(2026, 11, 26) and about.source_date is None
        assert price.source.url == "https://alesund.kommune.no/barnehage/pris/"
    assert {"barnehage", "ntnu", "gronn-campus", "alesund-kommune", "naudnummer"} <= keys


def test_export_of_canonical_files_is_byte_identical(kb, tmp_path):
    out = tmp_path / "exported"
    assert cli.main(["export", "--dir", str(out)]) == 0
    for name in FILES:
        assert (out / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def test_import_replaces_content_and_export_shows_db_edits(kb, kb_dir, tmp_path):
    with session_scope() as s:
        s.execute(update(Answer).where(Answer.aspect == "deadline").values(text_nb="Fristen er 15. mars."))
    out = tmp_path / "exported"
    assert cli.main(["export", "--dir", str(out)]) == 0
    text = (out / "services.yml").read_text(encoding="utf-8")
    assert 'nb: "Fristen er 15. mars."' in text
    # a re-import of the original files puts the original text back
    assert cli.main(["import", "--dir", str(kb_dir)]) == 0
    with session_scope() as s:
        assert (
            s.execute(select(Answer.text_nb).where(Answer.aspect == "deadline")).scalar()
            == "Fristen for hovedopptaket er 1. mars."
        )
    assert counts() == (11, 50, 15, 8)


def test_non_canonical_yaml_exports_to_same_content_and_is_stable(db_url, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "services.yml").write_text(
        "topics:\n"
        "- key: legevakt\n  kind: service\n  partner: null\n"
        "  name: {nn: Legevakt, nb: Legevakt}\n  url: https://alesund.kommune.no/legevakt/\n"
        "  aliases: {nb: [Legevakta, 116117, legevakt], nn: [legevakta, '116117']}\n"
        "  answers:\n"
        '    contact: {nn: \'Ring 116 117.\', nb: "Ring 116 117 – «alltid»", source: "https://x.no/a?b=1#c",\n'
        "              source_date: 2020/2023, verified: 2025-01-02}\n"
        "    about:\n      nn: |\n        Legevakta er open heile døgnet.\n      nb: Legevakten er åpen hele døgnet.\n",
        encoding="utf-8",
    )
    assert cli.main(["import", "--dir", str(src)]) == 0
    first, second = tmp_path / "a", tmp_path / "b"
    assert cli.main(["export", "--dir", str(first)]) == 0
    assert cli.main(["import", "--dir", str(first)]) == 0
    assert cli.main(["export", "--dir", str(second)]) == 0
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    text = (first / "services.yml").read_text(encoding="utf-8")
    assert text.index("about:") < text.index("contact:")  # aspects in contract order
    assert 'nb: ["116117", "legevakt", "Legevakta"]' in text  # aliases sorted, quoted
    assert 'source_date: "2020/2023"' in text and "verified: 2025-01-02" in text  # dates kept as written
    assert "«alltid»" in text  # unicode kept
    assert text.startswith("# Kommune-Kari knowledge base")
    assert (first / "partners.yml").read_text(encoding="utf-8").rstrip().endswith("topics: []")


BAD = [
    (
        "services.yml",
        "topics:\n- key: barnehage\n  kind: service\n  name: {nn: A, nb: B}\n  colour: red\n",
        "services.yml:5:",
        "unknown key 'colour'",
    ),
    ("services.yml", "topics:\n- key: a\n  kind: service\n  name: {nn: A}\n", "services.yml:4:", "missing nb"),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: servise\n  name: {nn: A, nb: A}\n",
        "services.yml:3:",
        "bad kind 'servise'",
    ),
    (
        "projects.yml",
        "topics:\n- key: p\n  kind: project\n  partner: nasa\n  name: {nn: P, nb: P}\n",
        "projects.yml:2:",
        "unknown partner key 'nasa'",
    ),
    (
        "services.yml",
        "topics:\n- key: ntnu\n  kind: service\n  name: {nn: A, nb: A}\n",
        "services.yml:2:",
        "duplicate key 'ntnu' (first defined at",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  url: www.example.no\n",
        "services.yml:5:",
        "bad url 'www.example.no'",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  answers:\n    about:\n"
        "      nn: x\n      nb: y\n      verified: 2026-13-40\n",
        "services.yml:9:",
        "bad date '2026-13-40'",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  answers:\n    about:\n"
        "      nn: x\n      nb: y\n      checked: 2026-11-26\n",
        "services.yml:9:",
        "'checked' is gone: write source_date",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  answers:\n    about:\n"
        "      nn: x\n      nb: y\n      source_date: early 2024\n",
        "services.yml:9:",
        "bad source_date 'early 2024'",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  answers:\n    about:\n"
        "      nn: x\n      nb: y\n      source_date: 2023-12-07\n      verified: 2023-12-01\n",
        "services.yml:10:",
        "is earlier than its source_date 2023-12-07",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  answers:\n    about:\n"
        "      nn: x\n      nb: y\n      verified: 2999-01-01\n",
        "services.yml:9:",
        "is in the future",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  operator: {nn: ÅRIM}\n",
        "services.yml:5:",
        "operator of topic 'a': missing nb",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  answers:\n    about:\n"
        "      nn: ''\n      nb: y\n",
        "services.yml:7:",
        "empty nn text",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A}\n  answers:\n    opening:\n"
        "      nn: x\n      nb: y\n",
        "services.yml:6:",
        "unknown key 'opening'",
    ),
    (
        "services.yml",
        "topics:\n- key: Bad Key\n  kind: service\n  name: {nn: A, nb: A}\n",
        "services.yml:2:",
        "bad key 'Bad Key'",
    ),
    (
        "services.yml",
        "topics:\n- key: a\n  kind: service\n  name: {nn: A, nb: A\n",
        "services.yml:",
        "YAML syntax error",
    ),
]


@pytest.mark.parametrize("name,content,where,message", BAD, ids=[b[3][:25] for b in BAD])
def test_bad_yaml_gives_file_line_and_changes_nothing(kb, kb_dir, capsys, name, content, where, message):
    before = counts()
    capsys.readouterr()
    (kb_dir / name).write_text(content, encoding="utf-8")
    assert cli.main(["import", "--dir", str(kb_dir)]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if message in line]
    assert lines, err
    assert any(line.startswith(where) or f"/{where}" in line for line in lines), err
    assert "not changed" in err
    assert counts() == before


def test_every_problem_is_reported_not_just_the_first(db_url, kb_dir, capsys):
    (kb_dir / "services.yml").write_text(
        "topics:\n- key: a\n  kind: nope\n  name: {nn: A, nb: A}\n- key: b\n  kind: service\n  name: {nb: B}\n",
        encoding="utf-8",
    )
    (kb_dir / "projects.yml").write_text(
        "topics:\n- key: c\n  kind: project\n  partner: zz\n  name: {nn: C, nb: C}\n", encoding="utf-8"
    )
    assert cli.main(["import", "--dir", str(kb_dir)]) == 1
    err = capsys.readouterr().err
    assert "services.yml:3:" in err and "services.yml:7:" in err and "projects.yml:2:" in err
    assert "3 problem(s)" in err


def test_missing_directory_is_one_clear_line(db_url, tmp_path, capsys):
    assert cli.main(["import", "--dir", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "no such directory" in err and "Traceback" not in err
