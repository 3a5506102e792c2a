"""Issue 7: personal data is never stored, and old conversations are deleted — on the real stack.

One stack of this module's own: its var dir holds only what this stack wrote, and its tracker
database is seeded with an old and a recent conversation before Rasa starts (retention at start-up).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from stdnum.no import fodselsnummer, kontonr

from kari.stack import REPO, Stack
from tests.support.chat import reply_text, say
from tests.support.own_stack import make_stack

pytestmark = pytest.mark.stack

DAY = 86400.0
RETENTION_DAYS = 30
# A word no log line may contain: proves Rasa and our servers do not log message text.
MARKER = "kvitveismarkør"


def _identity_number(birth: str, first_individual: int = 100) -> str:
    """The first valid 11-digit identity number for a 6-digit birth part (D/H/FH offsets allowed)."""
    for individual in range(first_individual, 1000):
        base = f"{birth}{individual:03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if len(k1) != 1:
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if len(k2) == 1:
            return base + k1 + k2
    raise AssertionError(birth)


def _account(prefix: str) -> str:
    """The first valid 11-digit account number starting with the given 6 digits."""
    for tail in range(100_000):
        number = f"{prefix}{tail:05d}"
        if kontonr.is_valid(number):
            return number
    raise AssertionError(prefix)


FNR = "15108695088"  # the issue's own example, also written "151086 95088"
FNR2 = _identity_number("240399")
D_NUMBER = _identity_number("550575")  # day 15 + 40
H_NUMBER = _identity_number("034290")  # month 02 + 40
FH_NUMBER = _identity_number("810101")  # FH numbers start with 8 or 9 and carry no birth date
ACCOUNT = _account("120356")
ACCOUNT2 = _account("860111")
assert fodselsnummer.is_valid(FNR) and fodselsnummer.is_valid(D_NUMBER) and fodselsnummer.is_valid(H_NUMBER)


def _spaced(d: str, *groups: int, sep: str = " ") -> str:
    out, i = [], 0
    for g in groups:
        out.append(d[i : i + g])
        i += g
    return sep.join(out)


# (message, the personal values in it exactly as written)
MESSAGES: list[tuple[str, list[str]]] = [
    # national identity numbers: fødselsnummer, D-, H- and FH-numbers, invalid ones too
    (f"Fødselsnummeret mitt er {FNR}, har eg fått barnehageplass?", [FNR]),
    ("Hei, eg heiter Ola, 151086 95088, kva kostar SFO?", ["151086 95088"]),
    (f"personnr {_spaced(FNR, 6, 5, sep='-')} – når er søknadsfristen for barnehage?", [_spaced(FNR, 6, 5, sep="-")]),
    (
        f"Mitt fødselsnummer: {_spaced(FNR2, 2, 2, 2, 5, sep='.')}. Hvordan søker jeg om bostøtte?",
        [_spaced(FNR2, 2, 2, 2, 5, sep=".")],
    ),
    (f"D-nummeret mitt er {D_NUMBER} og eg treng hjelp med skatt", [D_NUMBER]),
    (f"Jeg har d-nummer {_spaced(D_NUMBER, 6, 5)}, kan jeg søke om barnehageplass?", [_spaced(D_NUMBER, 6, 5)]),
    (f"H-nummer {H_NUMBER} – kva er opningstidene til legevakta?", [H_NUMBER]),
    (f"Mitt FH-nummer er {FH_NUMBER}. Hvem kan jeg ringe?", [FH_NUMBER]),
    ("Eg skreiv feil: 12345678901, er det gyldig?", ["12345678901"]),
    (f"({FNR2}) hva koster barnehage", [FNR2]),
    (
        "\uff11\uff15\uff11\uff10\uff18\uff16\uff19\uff15\uff10\uff18\uff18 er nummeret mitt",
        ["\uff11\uff15\uff11\uff10\uff18\uff16\uff19\uff15\uff10\uff18\uff18"],
    ),
    (f"{FNR}", [FNR]),
    # phone numbers, with and without +47 / 0047, grouped in the usual ways
    ("Ring meg på 98765432 om barnehageplassen", ["98765432"]),
    ("Telefonen min er 987 65 432, kan de ringe meg?", ["987 65 432"]),
    ("mobil: 98 76 54 32 – kva kostar parkering?", ["98 76 54 32"]),
    ("Du når meg på +47 41234567 etter klokka 16", ["+47 41234567"]),
    ("+4792345678 er nummeret mitt, når er biblioteket ope?", ["+4792345678"]),
    ("Ring 0047 934 56 789, jeg lurer på skolefritidsordningen", ["0047 934 56 789"]),
    ("Nummeret er (+47) 412 34 567. Hvordan søker jeg om startlån?", ["(+47) 412 34 567"]),
    ("Send SMS til 4812 3456 om renovasjon", ["4812 3456"]),
    ("tlf:45678912 kva gjer NExTdigital?", ["45678912"]),
    ("Fasttelefon +47 73 12 34 56, hvem svarer på byggesak?", ["+47 73 12 34 56"]),
    ("ring meg 90-12-34-56 takk", ["90-12-34-56"]),
    ("Mitt nummer +47-930-12-345, når stenger legevakten?", ["+47-930-12-345"]),
    ("95511223", ["95511223"]),
    ("kan du ringe 404 55 666 i morgon?", ["404 55 666"]),
    # e-mail addresses
    ("E-posten min er ola.nordmann@gmail.com, kan de sende svaret dit?", ["ola.nordmann@gmail.com"]),
    ("Skriv til kari.ås@online.no om barnehageplass", ["kari.ås@online.no"]),
    ("per+kommune@example.org her, hvordan melder jeg flytting?", ["per+kommune@example.org"]),
    ("Kontakt <lise.berg@hotmail.no> om skyss", ["lise.berg@hotmail.no"]),
    ("mailto:jon.hansen@uio.no – kva er ÅKP?", ["jon.hansen@uio.no"]),
    ("E-POST: TORE.VIK@EXAMPLE.NO. Hva er åpningstidene?", ["TORE.VIK@EXAMPLE.NO"]),
    ("anne_berg@firma.co.uk lurer på kva NTNU gjer", ["anne_berg@firma.co.uk"]),
    ("svar til hans-petter.aa@sub.domene.no, takk", ["hans-petter.aa@sub.domene.no"]),
    ('/ask_about{"topic":"siri.moe@gmail.com"}', ["siri.moe@gmail.com"]),
    ("silje@proton.me", ["silje@proton.me"]),
    # bank account numbers and IBAN
    (
        f"Kontonummeret mitt er {_spaced(ACCOUNT, 4, 2, 5, sep='.')}, når kjem pengane?",
        [_spaced(ACCOUNT, 4, 2, 5, sep=".")],
    ),
    (f"Betal tilbake til {_spaced(ACCOUNT2, 4, 2, 5)} takk", [_spaced(ACCOUNT2, 4, 2, 5)]),
    (f"konto {ACCOUNT}, hva koster SFO?", [ACCOUNT]),
    ("IBAN NO93 8601 1117 947 – kven betaler eg til?", ["NO93 8601 1117 947"]),
    ("NO9386011117947 er kontoen min", ["NO9386011117947"]),
    (
        f"kontonr: {_spaced(ACCOUNT2, 4, 2, 5, sep='-')}. Når er fristen for eigedomsskatt?",
        [_spaced(ACCOUNT2, 4, 2, 5, sep="-")],
    ),
    # several kinds in one message, split over lines, with invisible characters
    (
        f"Hei! {FNR}, 98765432 og ola.nordmann@gmail.com – hjelp med barnehage",
        [FNR, "98765432", "ola.nordmann@gmail.com"],
    ),
    (f"Jeg er {D_NUMBER}\nmobil 41234567\nkonto {ACCOUNT}", [D_NUMBER, "41234567", ACCOUNT]),
    ("nummer 9876\u200b5432, e-post per@firma.no", ["9876\u200b5432", "per@firma.no"]),
    (
        f"fnr {FNR[:6]}\u00a0{FNR[6:]} og tlf 912\u00a034\u00a0567",
        [f"{FNR[:6]}\u00a0{FNR[6:]}", "912\u00a034\u00a0567"],
    ),
    (f"Kva kostar barnehage? Mitt nummer er 47 11 22 33, {MARKER}", ["47 11 22 33"]),
    (f"Hvordan søker jeg om barnehageplass? {MARKER} e-post marit@uib.no", ["marit@uib.no"]),
    (f"Ring meg på +47 480 12 345 {MARKER}", ["+47 480 12 345"]),
    (f"{MARKER} korleis søkjer eg? fnr {FNR2}", [FNR2]),
]
assert len(MESSAGES) == 50


def _forms(value: str) -> set[str]:
    """Every form a stored value could take: as written, digits only, national phone body, JSON-escaped."""
    forms = {value, value.lower()}
    digits = "".join(str(int(c)) for c in value if c.isdecimal())
    if len(digits) >= 8:
        forms.add(digits)
        if digits.startswith(("47", "0047")) and len(digits) in (10, 12):
            forms.add(digits[-8:])
    forms |= {json.dumps(f)[1:-1] for f in list(forms)}
    return {f for f in forms if f}


def _seed_tracker(db: Path, conversations: dict[str, float]) -> None:
    """Write Bokmål conversations (sender -> age in days) with Rasa's own SQL tracker store."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(dialect="sqlite", db=str(db))

    async def fill() -> None:
        for sender, age in conversations.items():
            ts = time.time() - age * DAY
            events = [
                ActionExecuted("action_listen", timestamp=ts),
                UserUttered(
                    "Hvordan søker jeg om barnehageplass?",
                    intent={"name": "ask_apply", "confidence": 1.0},
                    entities=[{"entity": "malform", "value": "nb", "start": 0, "end": 0}],
                    timestamp=ts + 1,
                ),
                SlotSet("malform", "nb", timestamp=ts + 1),
                ActionExecuted("action_answer", timestamp=ts + 2),
                BotUttered("Du søker i Foresattportalen.", timestamp=ts + 2),
                SlotSet("topic", "barnehage", timestamp=ts + 2),
                ActionExecuted("action_listen", timestamp=ts + 3),
            ]
            await store.save(DialogueStateTracker.from_events(sender, events))

    asyncio.run(fill())
    store.engine.dispose()


def _senders(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT DISTINCT sender_id FROM events")}


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    var = tmp_path_factory.mktemp("privacy-var")
    stack = make_stack(var, KARI_RETENTION_DAYS=str(RETENTION_DAYS))
    _seed_tracker(var / "tracker.db", {"old-conversation": RETENTION_DAYS + 10, "recent-conversation": 2})
    stack.start()
    yield stack
    stack.stop()


def _tracker_db(stack: Stack) -> Path:
    return stack.var_dir / "tracker.db"


def test_retention_at_start_up_deletes_only_old_conversations(stack):
    assert _senders(_tracker_db(stack)) >= {"recent-conversation"}
    assert "old-conversation" not in _senders(_tracker_db(stack))
    # The recent conversation goes on in Bokmål, from its stored history; the old one starts afresh.
    assert "Bare hyggelig" in reply_text(say(stack.rasa_url, "takk", sender="recent-conversation"))
    assert "Berre hyggeleg" in reply_text(say(stack.rasa_url, "takk", sender="old-conversation"))


def test_retention_command_deletes_old_conversations_while_kari_runs(stack):
    _seed_tracker(_tracker_db(stack), {"stale-while-running": RETENTION_DAYS + 1})
    live = uuid.uuid4().hex
    say(stack.rasa_url, "Hvordan søker jeg om barnehageplass?", sender=live)
    result = subprocess.run(
        [sys.executable, "-m", "kari", "retention"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **stack.env()},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 conversation(s)" in result.stdout, result.stdout
    senders = _senders(_tracker_db(stack))
    assert "stale-while-running" not in senders and live in senders
    assert "Bare hyggelig" in reply_text(say(stack.rasa_url, "takk", sender=live))


def _search(root: Path, needles: dict[str, str]) -> list[str]:
    """'file: form (value)' for every needle found in any file under root.

    Digit-only forms count only as whole numbers, so a timestamp's digits are no false hit."""
    patterns = {
        form: re.compile(rb"(?<!\d)" + re.escape(form.encode()) + rb"(?!\d)")
        if form.isdigit()
        else re.compile(re.escape(form.encode("utf-8")))
        for form in needles
    }
    hits = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for form, pattern in patterns.items():
            if pattern.search(data):
                hits.append(f"{path.relative_to(root)}: {form!r} (from {needles[form]!r})")
    return hits


def test_fifty_messages_with_personal_data_leave_no_trace(stack):
    routes = [(stack.rasa_url, "kari"), (stack.rasa_url, "rest"), (stack.web_url, "kari")]
    senders = [uuid.uuid4().hex for _ in range(10)]
    for i, (message, values) in enumerate(MESSAGES):
        for value in values:
            assert value in message
        url, channel = routes[i % len(routes)]
        replies = say(url, message, sender=senders[i % len(senders)], channel=channel)
        assert replies, message

    needles = {form: value for _, values in MESSAGES for value in values for form in _forms(value)}
    stored = [p for p in stack.var_dir.rglob("*") if p.is_file()]
    names = {p.name for p in stored}
    assert {"tracker.db", "kari.db", "rasa.log", "actions.log", "web.log"} <= names, names

    hits = _search(stack.var_dir, needles)
    assert not hits, f"{len(hits)} personal values stored:\n" + "\n".join(hits)

    # The search finds what is there: the masked messages were stored, with placeholders.
    tracker = b"".join(p.read_bytes() for p in stored if p.name.startswith("tracker.db"))
    assert MARKER.encode() in tracker or json.dumps(MARKER)[1:-1].encode() in tracker
    assert b"[telefonnummer]" in tracker and b"[e-post]" in tracker and b"[kontonummer]" in tracker
    assert "[fødselsnummer]".encode() in tracker or json.dumps("[fødselsnummer]")[1:-1].encode() in tracker


def test_logs_hold_no_message_text(stack):
    say(stack.rasa_url, f"Kva kostar barnehage {MARKER}?")
    say(stack.web_url, f"Hvordan søker jeg om SFO {MARKER}?", channel="kari")
    time.sleep(0.5)
    logs = list(stack.log_dir.glob("*"))
    assert logs
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert MARKER not in text, f"{log.name} contains message text"
        assert "barnehage" not in text.lower(), f"{log.name} contains message text"
    for _ in range(40):  # the line may reach the file a moment after the reply on a busy machine
        rasa_log = (stack.log_dir / "rasa.log").read_text(encoding="utf-8", errors="replace")
        if "kari.channel.message chars=" in rasa_log:
            break
        time.sleep(0.25)
    assert "kari.channel.message chars=" in rasa_log, "the channel logs lengths at the level Kari runs"


def test_start_up_retention_problems_are_one_clear_line(tmp_path, capsys):
    from kari.stack import StackError, free_port

    url = f"postgresql+psycopg2://kari:hemmeleg@127.0.0.1:{free_port()}/rasa"
    stack = Stack(var_dir=tmp_path, extra_env={"KARI_TRACKER_DB_URL": url, "KARI_RETENTION_DAYS": "30"})
    stack.purge_old_conversations()  # the database is down: a warning, and Kari starts anyway
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "could not delete conversations older than 30 days" in err, err
    assert "hemmeleg" not in err
    stack.extra_env["KARI_RETENTION_DAYS"] = "a month"
    with pytest.raises(StackError, match="KARI_RETENTION_DAYS must be a number of days"):
        stack.purge_old_conversations()
