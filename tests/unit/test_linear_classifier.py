"""LinearIntentClassifier: learns the kind of question, ranks intents, survives a save and load."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from kari.nlu.linear_classifier import LABELS_FILE, WEIGHTS_FILE, LinearIntentClassifier

EXAMPLES = {
    "ask_price": [
        "kva kostar barnehage",
        "pris på bhg",
        "hva koster sfo",
        "kor mykje kostar kulturskulen",
        "hvor mye koster eiendomsskatten",
        "pris renovasjon",
        "kva er prisen for feiing",
    ],
    "ask_hours": [
        "når er biblioteket ope",
        "opningstider legevakt",
        "åpningstider innbyggertorget",
        "når stenger bassenget",
        "er servicetorget ope i dag",
        "når åpner biblioteket",
    ],
    "ask_contact": [
        "telefonnummer til legevakta",
        "kva er e-postadressa til kommunen",
        "hvem ringer jeg om bhg",
        "kontakt barnevernet",
        "adressa til helsestasjonen",
        "tlf nav",
    ],
    "greet": ["hei", "hallo", "god morgon", "heisann", "god dag kari", "hei på deg"],
}


def storage(path):
    path.mkdir(parents=True, exist_ok=True)
    return LocalModelStorage(path)


def context(node="linear"):
    """Rasa names each pipeline node; featurisers mark their features with that name."""
    return ExecutionContext(GraphSchema({}), node_name=node)


class Kari:
    """Tokeniser and featurisers as in config.yml (word counts + character n-grams), then the
    classifier under test, all stored in one model storage."""

    def __init__(self, storage, config=None, examples=EXAMPLES):
        self.storage = storage
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        data = TrainingData([Message(data={"text": t, "intent": i}) for i, texts in examples.items() for t in texts])
        self.tokenizer.process_training_data(data)
        self.featurizers = []
        for name, extra in (("words", {}), ("chars", {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5})):
            featurizer = CountVectorsFeaturizer.create(
                {**CountVectorsFeaturizer.get_default_config(), **extra}, storage, Resource(name), context(name)
            )
            featurizer.train(data)
            featurizer.process_training_data(data)
            self.featurizers.append(featurizer)
        self.classifier = LinearIntentClassifier.create(config or {}, storage, Resource("linear"), context())
        self.classifier.train(data)

    def classify(self, *texts, classifier=None):
        messages = [Message(data={"text": t}) for t in texts]
        self.tokenizer.process(messages)
        for featurizer in self.featurizers:
            featurizer.process(messages)
        (classifier or self.classifier).process(messages)
        return messages

    def reloaded(self):
        return LinearIntentClassifier.load({}, self.storage, Resource("linear"), context())


@pytest.fixture
def kari(tmp_path):
    return Kari(storage(tmp_path))


def test_new_questions_get_the_right_kind(kari):
    questions = {
        "kva kostar sfo": "ask_price",
        "når er legevakta ope": "ask_hours",
        "telefonnummer til nav": "ask_contact",
        "hallo kari": "greet",
    }
    assert [m.get("intent")["name"] for m in kari.classify(*questions)] == list(questions.values())


def test_ranking_is_sorted_sums_to_one_and_is_cut_to_its_length(kari, tmp_path):
    message = kari.classify("pris barnehage")[0]
    ranking = [r["confidence"] for r in message.get("intent_ranking")]
    assert ranking == sorted(ranking, reverse=True) and len(ranking) == len(EXAMPLES)
    assert sum(ranking) == pytest.approx(1.0)
    assert message.get("intent")["confidence"] == ranking[0]

    short = Kari(storage(tmp_path / "short"), {"ranking_length": 2})
    assert len(short.classify("pris barnehage")[0].get("intent_ranking")) == 2


def test_a_saved_model_loads_and_answers_the_same(kari):
    before = kari.classify("kva kostar sfo", "hei")
    after = kari.classify("kva kostar sfo", "hei", classifier=kari.reloaded())
    assert [m.get("intent_ranking") for m in after] == [m.get("intent_ranking") for m in before]


def test_the_model_is_plain_arrays_that_load_without_pickle(kari):
    with kari.storage.read_from(Resource("linear")) as directory:
        assert sorted(p.name for p in directory.iterdir()) == sorted([WEIGHTS_FILE, LABELS_FILE])
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as stored:
            assert stored["coef"].shape[0] == len(EXAMPLES)


def test_training_twice_gives_the_same_model(kari, tmp_path):
    again = Kari(storage(tmp_path / "again"))
    np.testing.assert_array_equal(kari.classifier.weights["coef"], again.classifier.weights["coef"])


def test_one_intent_is_not_enough_and_the_untrained_model_classifies_nothing(tmp_path, caplog):
    lonely = Kari(storage(tmp_path), examples={"greet": EXAMPLES["greet"]})
    assert "at least two intents" in caplog.text
    assert lonely.classify("hei")[0].get("intent") is None
    assert lonely.classify("hei", classifier=lonely.reloaded())[0].get("intent") is None


def test_without_a_featuriser_it_says_what_is_missing(kari):
    with pytest.raises(ValueError, match="CountVectorsFeaturizer"):
        kari.classifier.process([Message(data={"text": "hei"})])


def test_one_message_at_a_time_scores_exactly_as_the_training_matrix_does(kari):
    """The per-message shortcut (issue 16) gives the probabilities of the training's tf-idf matrix."""
    texts = [
        "kva kostar barnehage",
        "HEI HEI hei",
        "telefonnummer til legevakta i kveld",
        "qqq",
        "når når når er det ope",
    ]
    messages = kari.classify(*texts)
    model = kari.classifier
    x = model._tfidf(model._counts(messages), model.weights["idf"])
    scores = np.asarray(x @ model.weights["coef"].T) + model.weights["intercept"]
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.probabilities(messages), expected, rtol=1e-9, atol=1e-12)
