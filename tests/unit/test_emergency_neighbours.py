"""Emergency neighbours: a message that reads like the emergency examples raises the alarm, by meaning.
Trained by the Rasa component (kari.nlu.alarm), which decides for dialogue acts; the action server reads
the same vectors from the model file (kari.conversation.neighbours) and decides for everything else."""

from __future__ import annotations

import tarfile

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kari.conversation import neighbours
from kari.conversation.emergency import ALARM, LIKELY, detect
from kari.knowledge.db import REPO
from kari.nlu.alarm import EmergencyNeighbours

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
def test_an_emergency_no_pattern_knows_reads_like_one(trained, text):
    assert detect(text) is None  # the patterns miss it: this is what the neighbours are for
    assert trained[2].neighbours.likely(text)


@pytest.mark.parametrize("text", ["kor mykje kostar barnehageplass", "hei", "når blir bosset henta hos meg"])
def test_an_ordinary_message_does_not(trained, text):
    assert not trained[2].neighbours.likely(text)


def _parsed(text: str, intent: str) -> Message:
    return Message(data={TEXT: text, "intent": {"name": intent, "confidence": 0.7}})


def test_rasa_marks_only_dialogue_acts_the_action_server_decides_the_rest(trained):
    text = "hei, ein tankbil har velta og det lek noko som luktar kjemisk, folk hostar"
    greeting, question = _parsed(text, "greet"), _parsed(text, "ask_about")
    trained[2].process([greeting, question])
    assert greeting.get(ALARM) == LIKELY  # answered by Rasa alone otherwise: the guard reroutes it
    assert question.get(ALARM) is None  # goes to the action server, which embeds it for the search anyway
    calm = _parsed("hei, takk for sist", "greet")
    trained[2].process([calm])
    assert calm.get(ALARM) is None


def test_the_stored_model_is_plain_arrays_and_loads_the_same(trained):
    storage, fresh, loaded = trained
    with storage.read_from(RESOURCE) as directory:
        assert [p.name for p in directory.iterdir()] == [neighbours.VECTORS_FILE]
        with np.load(directory / neighbours.VECTORS_FILE, allow_pickle=False) as stored:
            assert stored["is_emergency"].sum() > 100 and stored["vectors"].dtype == np.float16
    text = "ungen datt gjennom glasdøra og det pumpar ut blod"
    assert fresh.neighbours.likely(text) and loaded.neighbours.likely(text)
    assert (loaded.neighbours.k, loaded.neighbours.needed) == (7, 4)


def _model_file(storage, path):
    """A model file laid out as Rasa packs one: the component's folder under components/."""
    with storage.read_from(RESOURCE) as directory, tarfile.open(path, "w:gz") as archive:
        archive.add(
            directory / neighbours.VECTORS_FILE,
            f"components/train_kari.nlu.alarm.EmergencyNeighbours8/{neighbours.VECTORS_FILE}",
        )
    return path


def test_the_action_server_reads_them_from_the_model_file_and_again_when_it_is_replaced(trained, tmp_path, caplog):
    model = _model_file(trained[0], tmp_path / "current.tar.gz")
    text = "ungen datt gjennom glasdøra og det pumpar ut blod"
    assert neighbours.likely(text, model) and not neighbours.likely("kva kostar sfo", model)
    with tarfile.open(model, "w:gz"):  # staff retrained: a model without the component
        pass
    assert not neighbours.likely(text, model)
    assert "only the emergency patterns raise an alarm" in caplog.text
    model.write_bytes(b"not a model")
    assert not neighbours.likely(text, model)  # warned, not raised: the citizen still gets an answer
    assert not neighbours.likely(text, tmp_path / "missing.tar.gz")


def test_untrained_it_marks_nothing(tmp_path):
    context = ExecutionContext(GraphSchema({}), "test")
    component = EmergencyNeighbours.create({}, LocalModelStorage(tmp_path), RESOURCE, context)
    component.train(TrainingData([Message(data={TEXT: "hei", "intent": "greet"})]))  # no emergencies: warned
    loaded = EmergencyNeighbours.load({}, LocalModelStorage(tmp_path), RESOURCE, context)
    message = _parsed("hei, det har gått eit skred over vegen og ein bil er borte", "greet")
    loaded.process([message])
    assert loaded.neighbours is None and message.get(ALARM) is None
    with pytest.raises(ValueError):
        EmergencyNeighbours.validate_config({"neighbours": 3, "emergencies_among_them": 4})
