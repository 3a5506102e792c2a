"""Before/after of each speed-up of issue 16, in one process, old and new way alternating.

    .venv/bin/python -m bench.micro

Each line times the old way and the new way of one step of a turn (median of alternating batches),
so the ratio holds on a machine shared with other work. The whole-Kari figures are `make bench`'s.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa

ROUNDS = 7


def compare(name: str, old: Callable[[], Any], new: Callable[[], Any], per: int = 1) -> dict[str, Any]:
    """Median ms per call of `old` and `new`, timed in alternating batches."""
    times: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(ROUNDS):
        for key, fn in (("old", old), ("new", new)):
            started = time.perf_counter()
            fn()
            times[key].append((time.perf_counter() - started) * 1000 / per)
    row = {"step": name, "old_ms": statistics.median(times["old"]), "new_ms": statistics.median(times["new"])}
    row["ratio"] = row["old_ms"] / row["new_ms"] if row["new_ms"] else float("inf")
    print(f"{name:<68} {row['old_ms']:8.2f} → {row['new_ms']:7.2f} ms  ({row['ratio']:.1f}×)", flush=True)
    return row


def unpooled(engine: sa.engine.Engine, url: str, connect_args: dict, **kwargs: Any) -> sa.engine.Engine:
    """A twin of `engine` as SQLAlchemy 1.4 makes it for a SQLite file (NullPool: a new connection
    for every session), with the same set-up on each connection."""
    twin = sa.create_engine(url, connect_args=connect_args, poolclass=sa.pool.NullPool, **kwargs)
    for name, dispatch in (("connect", engine.pool.dispatch), ("begin", engine.dispatch)):
        for fn in list(getattr(dispatch, name)):
            sa.event.listen(twin, name, fn)
    return twin


def action_reply() -> dict[str, Any]:
    """What the action server answers to an action_answer call (a reply with a button and a slot)."""
    return {
        "events": [{"event": "slot", "timestamp": None, "name": "topic", "value": "barnehage"}],
        "responses": [
            {
                "text": "Søknadsfristen for hovudopptaket i barnehage er 1. mars. Kjelde: https://alesund.kommune.no",
                "buttons": [{"title": "Pris", "payload": '/ask_price{"topic": "barnehage"}'}],
                "elements": [],
                "custom": {},
                "template": None,
                "response": None,
                "image": None,
                "attachment": None,
            }
        ],
    }


def validator() -> dict[str, Any]:
    from jsonschema import validate
    from rasa.core.actions.action import RemoteAction

    from kari import action_client

    reply, schema = action_reply(), RemoteAction.action_response_format_spec()
    return compare(
        "check an action reply: jsonschema.validate → validator built once",
        lambda: [validate(reply, schema) for _ in range(20)],
        lambda: [action_client._validate_action_result(None, reply) for _ in range(20)],
        per=20,
    )


def http_session() -> dict[str, Any]:
    """POST a tracker-sized JSON to a local aiohttp server: a session per call vs one kept."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from kari import action_client
    from kari.stack import free_port

    body = {"tracker": {"events": [{"event": "user", "text": "kva kostar sfo"}] * 60}, "next_action": "x"}

    async def run() -> dict[str, Any]:
        async def echo(request: web.Request) -> web.Response:
            await request.read()
            return web.json_response(action_reply())

        app = web.Application()
        app.router.add_post("/webhook", echo)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", headers={"X-Kari-Action-Token": "t"})
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(ROUNDS):
            for key, request in (("old", EndpointConfig.request), ("new", action_client._request)):
                started = time.perf_counter()
                for _ in range(20):
                    await request(endpoint, json=body, method="post")
                times[key].append((time.perf_counter() - started) * 1000 / 20)
        await action_client.close()
        await runner.cleanup()
        return times

    times = asyncio.run(run())
    old, new = statistics.median(times["old"]), statistics.median(times["new"])
    name = "call the action server: new HTTP session per call → one kept"
    print(f"{name:<68} {old:8.2f} → {new:7.2f} ms  ({old / new:.1f}×)", flush=True)
    return {"step": name, "old_ms": old, "new_ms": new, "ratio": old / new}


def selective_domain() -> dict[str, Any]:
    from rasa.shared.core.domain import Domain

    from kari.stack import REPO

    domain = Domain.load(REPO / "domain.yml")
    return compare(
        "action call body: with the domain → without (selective domain)",
        lambda: [json.dumps({"domain": domain.as_dict(), "x": 1}) for _ in range(50)],
        lambda: [json.dumps({"x": 1}) for _ in range(50)],
        per=50,
    )


def tracker_store(work: Path) -> list[dict[str, Any]]:
    """One turn's read and write (save of 6 new events) at turn 300, and beside 10,000 stored
    conversations: Rasa's NullPool without the extra indexes → pooled connections with them."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from kari.stack import REPO
    from kari.tracker_store import KariTrackerStore, deserialise

    class Before(KariTrackerStore):
        @staticmethod
        def make_engine(url: str, busy_timeout: float = 2.0) -> sa.engine.Engine:
            connect_args = {"timeout": busy_timeout, "check_same_thread": False}
            return unpooled(KariTrackerStore.make_engine(url, busy_timeout), url, connect_args)

        @classmethod
        def create_indexes(cls, engine: sa.engine.Engine) -> None:
            pass

    domain = Domain.load(REPO / "domain.yml")
    rows = []

    def turn(tracker: DialogueStateTracker, i: int) -> None:
        tracker.update(UserUttered(f"kva kostar sfo {i}", {"name": "ask_price", "confidence": 0.9}))
        tracker.update(ActionExecuted("action_answer"))
        tracker.update(BotUttered(f"svar {i}"))
        tracker.update(SlotSet("topic", "sfo"))
        tracker.update(ActionExecuted("action_listen"))

    def one_turn(store: KariTrackerStore, sender: str, i: int) -> None:
        tracker = asyncio.run(store.retrieve(sender))
        turn(tracker, i)
        asyncio.run(store.save(tracker))

    class OrmRows(KariTrackerStore):
        """The seventh session's store: events read and written as ORM objects."""

        def _retrieve_sync(self, sender_id: str, all_sessions: bool) -> Any:
            with self.session_scope() as session:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=all_sessions).all()
                events = [json.loads(row.data) for row in rows]
            return DialogueStateTracker.from_events(sender_id, deserialise(events), self.domain.slots)

        def _save_sync(self, tracker: DialogueStateTracker) -> None:
            with self.session_scope() as session:
                stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
                for event in list(tracker.events)[stored:]:
                    session.add(self.SQLEvent(**self._row(tracker.sender_id, event.as_dict())))
                session.commit()

    rows_stores = {}
    for key, cls in (("old", OrmRows), ("new", KariTrackerStore)):
        store = cls(domain=domain, host=f"sqlite:///{work / (key + '-rows.db')}")
        start = DialogueStateTracker.from_events("ten", [ActionExecuted("action_listen")], domain.slots)
        asyncio.run(store.save(start))
        for i in range(10):
            one_turn(store, "ten", i)
        rows_stores[key] = store
    read = {key: asyncio.run(store.retrieve("ten")) for key, store in rows_stores.items()}
    assert read["old"].events == read["new"].events
    rows.append(
        compare(
            "tracker store read + write, turn 10: ORM objects → plain rows (eighth session)",
            lambda: [one_turn(rows_stores["old"], "ten", 10) for _ in range(5)],
            lambda: [one_turn(rows_stores["new"], "ten", 10) for _ in range(5)],
            per=5,
        )
    )

    stores = {}
    for key, cls in (("old", Before), ("new", KariTrackerStore)):
        store = cls(domain=domain, host=f"sqlite:///{work / (key + '.db')}")
        tracker = DialogueStateTracker.from_events("long", [ActionExecuted("action_listen")], domain.slots)
        asyncio.run(store.save(tracker))
        for i in range(300):  # turn 300 of one conversation
            one_turn(store, "long", i)
        stores[key] = store
    counter = iter(range(300, 10_000))

    def five_turns(key: str, sender: str) -> Callable[[], object]:
        return lambda: [one_turn(stores[key], sender, next(counter)) for _ in range(5)]

    rows.append(
        compare(
            "tracker store read + write, turn 300 of a conversation",
            five_turns("old", "long"),
            five_turns("new", "long"),
            per=5,
        )
    )
    for key in stores:  # 10,000 more conversations of 40 events each
        engine = stores[key].engine
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                    "VALUES (:s, :t, :ts, NULL, NULL, :d)"
                ),
                [
                    {"s": f"c{n}", "t": "session_started" if e == 0 else "user", "ts": n + e, "d": "{}"}
                    for n in range(10_000)
                    for e in range(40)
                ],
            )
        tracker = DialogueStateTracker.from_events("fresh", [ActionExecuted("action_listen")], domain.slots)
        asyncio.run(stores[key].save(tracker))
    rows.append(
        compare(
            "tracker store read + write, new conversation beside 10,000 stored",
            five_turns("old", "fresh"),
            five_turns("new", "fresh"),
            per=5,
        )
    )
    return rows


def knowledge_sessions(work: Path) -> dict[str, Any]:
    """Open a knowledge-base session and read the content version (every turn does, several times)."""
    import subprocess
    import sys

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kari.knowledge import db
    from kari.knowledge.models import Meta
    from kari.stack import REPO

    url = f"sqlite:///{work / 'kari.db'}"
    subprocess.run(
        [sys.executable, "-m", "kari", "kb", "import", "--dir", str(REPO / "data/knowledge")],
        env={**__import__("os").environ, "KARI_DATABASE_URL": url, "PYTHONPATH": str(REPO)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    new = db.get_engine(url)
    old = unpooled(new, url, {"timeout": 2.5, "check_same_thread": False}, future=True)

    def read(engine: sa.engine.Engine) -> None:
        for _ in range(20):
            with Session(engine, future=True) as session, session.begin():
                session.execute(select(Meta.content_version).where(Meta.id == 1)).scalar()

    return compare("knowledge base: open a session, read one value", lambda: read(old), lambda: read(new), per=20)


def classifier() -> dict[str, Any]:
    import numpy as np
    import scipy.sparse

    rng = np.random.default_rng(16)
    coef = rng.normal(size=(24, 29_849))  # the trained model's shape: 24 intents, 29,849 features
    x = scipy.sparse.random(1, coef.shape[1], density=0.007, format="csr", random_state=16)
    coef_t = np.ascontiguousarray(coef.T)
    assert np.array_equal(np.asarray(x @ coef.T), np.asarray(x @ coef_t))
    return compare(
        "intent scores: x @ coef.T → x @ coef transposed once (same numbers)",
        lambda: [x @ coef.T for _ in range(20)],
        lambda: [x @ coef_t for _ in range(20)],
        per=20,
    )


def one_message_scores() -> dict[str, Any]:
    import numpy as np
    import scipy.sparse

    from kari.nlu.linear_classifier import LinearIntentClassifier

    rng = np.random.default_rng(16)
    words, chars = 4_000, 25_849  # the trained model's 29,849 features: word counts, then character n-grams
    model = LinearIntentClassifier({}, None, None)  # type: ignore[arg-type]  # scoring needs only the weights
    model.weights = {"idf": rng.uniform(1, 8, words + chars), "coef": rng.normal(size=(24, words + chars))}
    model._coef_t = np.ascontiguousarray(model.weights["coef"].T)
    blocks = [
        scipy.sparse.random(1, n, density=d, format="csr", random_state=16) * 3
        for n, d in ((words, 0.002), (chars, 0.004))
    ]
    old = lambda: np.asarray(model._tfidf(blocks, model.weights["idf"]) @ model._coef_t)[0]  # noqa: E731
    assert np.allclose(old(), model._scores(blocks))
    return compare(
        "intent scores of one message: sparse tf-idf matrix → its non-zero features (same numbers)",
        lambda: [old() for _ in range(20)],
        lambda: [model._scores(blocks) for _ in range(20)],
        per=20,
    )


def event_types() -> dict[str, Any]:
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered, deserialise_events

    from kari.tracker_store import deserialise

    turn = [UserUttered("kva kostar sfo", {"name": "ask_price", "confidence": 0.9}), ActionExecuted("action_answer")]
    turn += [BotUttered("Det kostar …"), SlotSet("topic", "sfo"), ActionExecuted("action_listen")]
    stored = [e.as_dict() for e in turn * 8]  # a conversation of eight turns, as the store holds it
    assert deserialise(stored) == deserialise_events(stored)
    return compare(
        "stored events → Rasa events: every Event subclass walked per event → type looked up once",
        lambda: deserialise_events(stored),
        lambda: deserialise(stored),
    )


def lexical_similarity() -> dict[str, Any]:
    """tf-idf of one message against every passage: scikit-learn's transform and a sparse product →
    the search's own sum over the message's features (same numbers)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from kari.evaluation.answers import SETS, load
    from kari.knowledge.search import _Lexical, normalise

    texts = [turn.text for case in load(SETS["dev"]) for turn in case.turns]
    docs, messages = [normalise(t) for t in texts[:300]], [normalise(t) for t in texts[300:400]]
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    words = TfidfVectorizer(analyzer="word", token_pattern=r"[0-9a-z]+", sublinear_tf=True)
    char_matrix, word_matrix = chars.fit_transform(docs), words.fit_transform(docs)

    def old(folded: str) -> np.ndarray:
        by_chars = (char_matrix @ chars.transform([folded]).T).toarray().ravel()
        return 0.5 * by_chars + 0.5 * (word_matrix @ words.transform([folded]).T).toarray().ravel()

    new = _Lexical(docs)
    assert all(np.allclose(old(m), new.similarity(m)) for m in messages)
    return compare(
        "lexical similarity of one message: scikit-learn transform → the search's own (eighth session)",
        lambda: [old(m) for m in messages],
        lambda: [new.similarity(m) for m in messages],
        per=len(messages),
    )


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="kari-micro-"))
    rows = [validator(), http_session(), selective_domain(), classifier(), one_message_scores(), event_types()]
    rows += [knowledge_sessions(work), lexical_similarity()]
    rows += tracker_store(work)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / f"micro-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
