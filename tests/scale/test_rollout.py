"""A new model is rolled out one Rasa instance after the other while citizens keep talking: no
conversation is dropped (every turn answered right, at most a polite "try again", all stored in order)."""

from __future__ import annotations

import shutil
import threading

import pytest

from kari.stack import DEFAULT_MODEL
from tests.scale.support import SCRIPTS, Citizen, answer_of, check_stored, reference_answers, stored_events

pytestmark = pytest.mark.stack


def test_a_model_rolled_out_instance_by_instance_drops_no_conversation(prod, tmp_path):
    for name in prod.rasa_names + prod.action_names:
        prod.wait_healthy(name, timeout=1800)
    reference = reference_answers(prod)
    new_model = tmp_path / "new-model.tar.gz"  # the same training, as a new release file
    shutil.copy2(DEFAULT_MODEL, new_model)
    old_pids = {name: prod.pid(name) for name in prod.rasa_names}

    done, citizens, lock = threading.Event(), [], threading.Lock()

    def keep_talking(script: list[str]) -> None:
        while not done.is_set():
            citizen = Citizen(prod.url, script)
            with lock:
                citizens.append(citizen)
            citizen.run(pause=(0.5, 1.5))

    talkers = [threading.Thread(target=keep_talking, args=(SCRIPTS[i % 2],), daemon=True) for i in range(8)]
    for thread in talkers:
        thread.start()
    steps: list[str] = []
    try:
        prod.rollout(new_model, timeout=1800, log=steps.append)
    finally:
        done.set()
        for thread in talkers:
            thread.join()

    served = [s for s in steps if "serving the new model" in s]
    assert served == [f"{name}: serving the new model." for name in prod.rasa_names]
    for name in prod.rasa_names:
        assert prod.pid(name) != old_pids[name]
        assert prod.model_of(name).read_bytes() == new_model.read_bytes()

    problems = [f"{c.sender}: {p}" for c in citizens for p in c.problems]
    assert not problems, "\n".join(problems[:20])
    for citizen in citizens:
        index = SCRIPTS.index(citizen.script)
        for number, turn in enumerate(citizen.turns):
            assert answer_of(turn.replies) == reference[index][number], (citizen.sender, turn.text)
        wrong = check_stored(citizen, stored_events(prod, citizen.sender))
        assert not wrong, f"{citizen.sender}: {wrong}"
    instances_seen = {t.instance for c in citizens for t in c.turns}
    assert instances_seen == set(prod.rasa_names)
