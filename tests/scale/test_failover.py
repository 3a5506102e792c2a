"""Issue 17's kill test: 40 citizens × 10 turns through nginx while one Rasa instance and one action
server are killed with `kill -9`. supervisord starts them again; no acknowledged turn is lost, no
conversation is stored twice or interleaved (read back from PostgreSQL), every answer is the right one
for its turn, and during the failover citizens see at most a polite "try again".

No timed assertions: the machine may be slow and shared; only the order of events is checked.
"""

from __future__ import annotations

import threading

import pytest

from tests.scale.support import (
    SCRIPTS,
    Citizen,
    answer_of,
    check_stored,
    expected_facts,
    log_tail,
    reference_answers,
    run_all,
    stored_events,
)

pytestmark = pytest.mark.stack

CITIZENS = 40
TURNS = 10


def test_killing_a_rasa_instance_and_an_action_server_loses_no_turn(prod):
    reference = reference_answers(prod)
    facts = expected_facts()
    for script, answers in zip(SCRIPTS, reference):  # the calm answers are the right ones
        for text, answer in zip(script, answers):
            if text in facts:
                assert facts[text] in "\n".join(answer), (text, answer)

    citizens = [Citizen(prod.url, SCRIPTS[i % len(SCRIPTS)]) for i in range(CITIZENS)]
    assert all(len(c.script) == TURNS for c in citizens)
    rasa_victim, action_victim = prod.rasa_names[0], prod.action_names[0]
    old_pids = {rasa_victim: prod.pid(rasa_victim), action_victim: prod.pid(action_victim)}
    answered, killed = [0], threading.Event()
    lock = threading.Lock()

    def on_turn() -> None:  # kill both once a quarter of all turns are answered: mid-run
        with lock:
            answered[0] += 1
            if answered[0] == CITIZENS * TURNS // 4:
                prod.kill(rasa_victim)
                prod.kill(action_victim)
                killed.set()

    run_all(citizens, on_turn)
    assert killed.is_set()

    problems = [f"{c.sender}: {p}" for c in citizens for p in c.problems]
    assert not problems, "\n".join(problems[:20])
    for citizen in citizens:
        assert len(citizen.turns) == TURNS
        index = SCRIPTS.index(citizen.script)
        for number, turn in enumerate(citizen.turns):
            assert answer_of(turn.replies) == reference[index][number], (citizen.sender, turn.text, turn.instance)

    for citizen in citizens:
        wrong = check_stored(citizen, stored_events(prod, citizen.sender))
        assert not wrong, f"{citizen.sender}: {wrong}"

    # The dead instance's conversations moved to the other one and went on from PostgreSQL.
    moved = [
        c
        for c in citizens
        if rasa_victim in [t.instance for t in c.turns] and prod.rasa_names[1] in [t.instance for t in c.turns]
    ]
    assert moved, "no conversation moved from the killed instance to the other"
    print(
        f"\n{sum(len(c.turns) for c in citizens)} turns answered right; {sum(c.polite for c in citizens)} polite "
        f"'try again' answers; {len(moved)} conversations moved from {rasa_victim} to {prod.rasa_names[1]}"
    )

    # Both killed processes come back (new processes, healthy), and nginx uses the instance again.
    for name, pid in old_pids.items():
        prod.wait_healthy(name, timeout=1800)
        assert prod.pid(name) != pid, f"{name} was not started again"
    served_by = set()
    for _attempt in range(200):
        probe = Citizen(prod.url, [SCRIPTS[0][0]])
        probe.run(pause=(0, 0))
        assert not probe.problems, probe.problems
        assert answer_of(probe.turns[0].replies) == reference[0][0]
        served_by.add(probe.turns[0].instance)
        if rasa_victim in served_by:
            break
    assert rasa_victim in served_by, f"nginx never sent a new conversation to {rasa_victim} again:\n" + log_tail(
        prod.log_dir / "nginx-error.log"
    )
