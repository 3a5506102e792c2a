"""EmergencyNeighbours: a message that reads like the emergency examples is marked, by meaning."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kari.conversation.emergency import ALARM, LIKELY, detect
from kari.knowledge.db import REPO
from kari.nlu.alarm import VECTORS_FILE, EmergencyNeighbours

RESOURCE = Resource("alarm")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Trained on the real emergency examples and the near misses written to keep them apart."""
    files = ("emergency.yml", "near_misses.yml", "smalltalk.yml")
    data = TrainingData().merge(*(load_data(str(REPO / "data" / "nlu" / name)) for name in files))
    storage = LocalModelStorage(tmp_path_factory.mktemp("alarm"))
    context = ExecutionContext(GraphSchema({}), "test")
    component = EmergencyNeighbours.create({}, storage, RESOURCE, context)
    component.train(data)
    return storage, component, EmergencyNeighbours.load({}, storage, RESOURCE, context)


@pytest.mark.parametrize(
    "text",
    [
        "ein tankbil har velta og det lek noko som luktar kjemisk, folk hostar",
        "mannen min er diabetikar og heilt forvirra og sveitt, han klarer ikkje svelgje sukker",
    ],
)
def test_an_emergency_no_pattern_knows_is_marked(trained, text):
    assert detect(text) is None  # the patterns miss it: this is what the component is for
    message = Message(data={TEXT: text})
    trained[2].process([message])
    assert message.get(ALARM) == LIKELY


@pytest.mark.parametrize("text", ["kor mykje kostar barnehageplass", "hei", "når blir bosset henta hos meg"])
def test_an_ordinary_message_is_not_marked(trained, text):
    message = Message(data={TEXT: text})
    trained[2].process([message])
    assert message.get(ALARM) is None


def test_the_stored_model_is_plain_arrays_and_loads_the_same(trained):
    storage, fresh, loaded = trained
    with storage.read_from(RESOURCE) as directory:
        assert [p.name for p in directory.iterdir()] == [VECTORS_FILE]
        with np.load(directory / VECTORS_FILE, allow_pickle=False) as stored:
            assert stored["is_emergency"].sum() > 100 and stored["vectors"].dtype == np.float16
    text = "ungen datt gjennom glasdøra og det pumpar ut blod"
    assert fresh.likely(text) == loaded.likely(text)


def test_untrained_it_marks_nothing(tmp_path):
    context = ExecutionContext(GraphSchema({}), "test")
    component = EmergencyNeighbours.create({}, LocalModelStorage(tmp_path), RESOURCE, context)
    component.train(TrainingData([Message(data={TEXT: "hei", "intent": "greet"})]))  # no emergencies: warned
    assert not EmergencyNeighbours.load({}, LocalModelStorage(tmp_path), RESOURCE, context).likely("skred")
    with pytest.raises(ValueError):
        EmergencyNeighbours.validate_config({"neighbours": 3, "emergencies_among_them": 4})
