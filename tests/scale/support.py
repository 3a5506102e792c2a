"""Citizens talking to the production topology through nginx, and what PostgreSQL must hold after.

A turn is *acknowledged* when Kari answered it (HTTP 200 with a real answer). A polite "try again"
(nginx's 503, the channel's busy 503, or its "no answer right now" / "something went wrong" texts) is
not: the citizen sends the same message again, as the widget's user would.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import requests
import yaml

from kari.channels.kari_channel import REPLIES
from kari.scaleout.topology import TRACKER_DB, ProdStack
from kari.stack import REPO

POLITE = {text for key in ("no_answer", "busy", "failure") for text in REPLIES[key].values()}
MAX_ATTEMPTS = 200  # per turn: minutes of failover on a slow machine before a turn gives up

# Two conversations of 10 turns; follow-ups ("Når er fristen?", "kva prosjekt har dei?") only come out
# right when the instance that answers reads the conversation's topic from PostgreSQL.
SCRIPTS = [
    [
        "Hva koster barnehagplass",
        "Når er fristen?",
        "hvordan søker jeg barnehageplass?",
        "Hva koster SFO?",
        "Når er fristen?",
        "hvilke prosjekter har ntnu",
        "hvem står bak digitale tvillinger",
        "hva er åkp blue innovation arena",
        "hvilke samarbeidspartnere har kommunen",
        "hva er lær kidsa koding",
    ],
    [
        "Kva er NExTdigital?",
        "kva prosjekt har dei?",
        "kva kostar eit nytt følgjekort",
        "korleis søkjer eg om følgjekort?",
        "kva tid er legevakta open",
        "kva er telefonnummeret til legevakta",
        "kva kostar heimehjelp",
        "kven står bak grønn campus",
        "kva prosjekt har åkp",
        "kva er smart samfunn",
    ],
]


def expected_facts() -> dict[str, str]:
    """Question → a literal its right answer contains (tests/kb_questions.yml, from the knowledge base)."""
    data = yaml.safe_load((REPO / "tests" / "kb_questions.yml").read_text(encoding="utf-8"))
    return {q["q"]: q["expect"] for q in data["questions"]}


def answer_of(replies: list[dict]) -> list[str]:
    """What the citizen sees: texts and button titles, in order."""
    seen = []
    for reply in replies:
        if reply.get("text"):
            seen.append(reply["text"])
        seen += [f"[{b.get('title')}]" for b in reply.get("buttons") or []]
    return seen


def _polite(response: requests.Response) -> bool:
    """A "try again" a citizen can read: nginx's {"error": …} or the channel's reply list."""
    try:
        body = response.json()
    except ValueError:
        return False
    if isinstance(body, dict):
        return "Prøv igjen" in str(body.get("error")) or "Vent litt" in str(body.get("error"))
    return isinstance(body, list) and any(r.get("text") in POLITE for r in body if isinstance(r, dict))


@dataclass
class Turn:
    text: str
    replies: list[dict]
    instance: str
    attempts: int


@dataclass
class Citizen:
    base_url: str
    script: list[str]
    sender: str = field(default_factory=lambda: "scale-" + uuid.uuid4().hex[:20])
    turns: list[Turn] = field(default_factory=list)
    polite: int = 0  # "try again" answers seen
    problems: list[str] = field(default_factory=list)

    def send(self, text: str, session: requests.Session) -> Turn | None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = session.post(
                    f"{self.base_url}/webhooks/kari/webhook",
                    json={"sender": self.sender, "message": text},
                    timeout=120,
                )
            except requests.RequestException as exc:
                self.problems.append(f"{text!r}: no HTTP answer at all ({type(exc).__name__})")
                return None
            if response.status_code in (429, 502, 503, 504):
                self.polite += 1
                if not _polite(response):
                    self.problems.append(f"{text!r}: HTTP {response.status_code} without a polite text")
                time.sleep(float(response.headers.get("Retry-After") or 1) * random.uniform(0.5, 1.0))
                continue
            if response.status_code != 200:
                self.problems.append(f"{text!r}: HTTP {response.status_code}: {response.text[:200]}")
                return None
            replies = response.json()
            if any(r.get("text") in POLITE for r in replies):
                self.polite += 1
                time.sleep(random.uniform(0.5, 1.5))
                continue
            turn = Turn(text, replies, response.headers.get("X-Kari-Instance", ""), attempt)
            self.turns.append(turn)
            return turn
        self.problems.append(f"{text!r}: still no answer after {MAX_ATTEMPTS} attempts")
        return None

    def run(self, on_turn=None, pause: tuple[float, float] = (0.2, 1.0)) -> None:  # type: ignore[no-untyped-def]
        with requests.Session() as session:
            for text in self.script:
                if self.send(text, session) is None:
                    return
                if on_turn:
                    on_turn()
                time.sleep(random.uniform(*pause))


def run_all(citizens: list[Citizen], on_turn=None) -> None:  # type: ignore[no-untyped-def]
    threads = [threading.Thread(target=c.run, args=(on_turn,), daemon=True) for c in citizens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def reference_answers(prod: ProdStack) -> list[list[list[str]]]:
    """Each script's answers, turn by turn, from one calm conversation."""
    answers = []
    for script in SCRIPTS:
        citizen = Citizen(prod.url, script)
        citizen.run(pause=(0, 0))
        assert not citizen.problems, citizen.problems
        answers.append([answer_of(t.replies) for t in citizen.turns])
    return answers


def stored_events(prod: ProdStack, sender: str) -> list[dict]:
    """The conversation's rows in Rasa's tracker store (PostgreSQL), in the order they were written."""
    secrets = prod.secrets()
    conn = psycopg2.connect(
        host="127.0.0.1",
        port=prod.ports.postgres,
        user="kari",
        password=secrets["KARI_DB_PASSWORD"],
        dbname=TRACKER_DB,
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(row[0]) for row in cur.fetchall()]
    finally:
        conn.close()


def check_stored(citizen: Citizen, events: list[dict]) -> list[str]:
    """What is wrong with a conversation as PostgreSQL holds it (empty when nothing is):
    no event stored twice, no two turns interleaved (every user message is followed by Kari's
    whole turn, ending in action_listen, before the next one; time never goes back), and every
    acknowledged turn is there, in order, with exactly the answer the citizen was given."""
    problems = []
    keys = [json.dumps(e, sort_keys=True) for e in events]
    if len(set(keys)) != len(keys):
        problems.append("an event is stored twice")
    times = [e.get("timestamp") or 0 for e in events]
    if any(later < earlier for earlier, later in zip(times, times[1:])):
        problems.append("events are not in time order (two turns interleaved)")
    segments: list[tuple[str, list[str], list[dict]]] = []
    for event in events:
        if event["event"] == "user":
            segments.append((event.get("text") or "", [], []))
        elif segments:
            segments[-1][2].append(event)
            if event["event"] == "bot" and event.get("text"):
                segments[-1][1].append(event["text"])
    for text, _, rest in segments:
        # a turn's end: Kari listens again (a carried-over session may follow, see tracker_store)
        listens = [i for i, e in enumerate(rest) if e["event"] == "action" and e.get("name") == "action_listen"]
        if not listens:
            problems.append(f"the turn {text!r} never ends with action_listen (cut or interleaved)")
        elif any(e["event"] == "user" for e in rest[: listens[0]]):
            problems.append(f"the turn {text!r} is interleaved with another")
    position = 0
    for turn in citizen.turns:
        given = [r["text"] for r in turn.replies if r.get("text")]
        for index in range(position, len(segments)):
            if segments[index][0] == turn.text and segments[index][1] == given:
                position = index + 1
                break
        else:
            problems.append(f"the acknowledged turn {turn.text!r} (answered {given[:1]}) is not stored in order")
    return problems


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
