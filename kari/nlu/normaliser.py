"""Spelling-variant normaliser: one shared form for the function words of Nynorsk, Bokmål and dialect.

"kva/ka/hva", "korleis/kossen/hvordan", "ikkje/ittje/ikke" … say the same thing; mapping them to one
form before featurisation lets an example in one written standard teach the classifier about the
other. Content words are left to the character n-grams. Runs after the tokenizer and rewrites only
the tokens' lemmas (what the count-vector featurisers read), never the message text.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from kari.knowledge.textnorm import within_one_edit

# shared form ← variants (Nynorsk, Bokmål, common dialect spellings)
VARIANTS: Dict[str, tuple[str, ...]] = {
    "hva": ("kva", "ka", "hva", "va", "kå", "hvaa"),
    "hvordan": ("korleis", "kossen", "koss", "kordan", "korsen", "hvordan", "åssen", "hvorleis", "kleis"),
    "hvem": ("kven", "kem", "hvem", "kæm", "kenn"),
    "hvor": ("kvar", "kor", "hvor", "kost", "hvorhen"),
    "hvorfor": ("kvifor", "korfor", "kofor", "koffor", "hvorfor", "kvorfor", "åffer", "forkje"),
    "når": ("når", "nå'r", "kva tid"),
    "hvilke": ("kva for", "kva slags", "kvaslags", "hvilke", "hvilken", "hvilket", "kolles", "kossleis"),
    "jeg": ("eg", "æ", "jeg", "je", "e'"),
    "ikke": ("ikkje", "ikke", "ittje", "ikkj", "itj", "ikk", "kje"),
    "en": ("ein", "en"),
    "et": ("eit", "et"),
    "hun": ("ho", "hun"),
    "fra": ("frå", "fra", "ifra", "ifrå"),
    "noen": ("nokon", "noen", "nokre", "noko", "noe", "nåkke"),
    "også": ("òg", "også", "og så"),
    "koster": ("kostar", "koster", "koste", "kosta", "kostnad", "kostnaden"),
    "søke": ("søkje", "søke", "søka", "søkjer", "søker", "søkte"),
    "åpen": ("open", "åpen", "ope", "åpent", "opne", "åpne", "opent"),
}
# The shared forms that ask something (kva, korleis, kven, kvar, kvifor, når and their variants).
QUESTION_WORDS = ("hva", "hvordan", "hvem", "hvor", "hvorfor", "når")
SINGLE = {variant: shared for shared, variants in VARIANTS.items() for variant in variants if " " not in variant}
# Typos are only corrected on longer words, where one edit rarely turns one word into another.
TYPO_MIN_LENGTH = 5


def normalise_word(word: str) -> str:
    lower = word.lower()
    if lower in SINGLE:
        return SINGLE[lower]
    if len(lower) >= TYPO_MIN_LENGTH:
        for variant, shared in SINGLE.items():
            if len(variant) >= TYPO_MIN_LENGTH and within_one_edit(lower, variant):
                return shared
    return lower


try:  # the Rasa component; the function above works without Rasa
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.nlu.tokenizers.tokenizer import Tokenizer
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
    class SpellingNormaliser(GraphComponent):
        """Sets each token's lemma to its shared spelling (see module docstring)."""

        @classmethod
        def required_components(cls) -> List[type]:
            return [Tokenizer]

        @classmethod
        def create(
            cls,
            config: Dict[Text, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> "SpellingNormaliser":
            return cls()

        def process(self, messages: List[Message]) -> List[Message]:
            for message in messages:
                for token in message.get(TOKENS_NAMES[TEXT]) or []:
                    token.lemma = normalise_word(token.text)
            return messages

        def process_training_data(self, training_data: TrainingData) -> TrainingData:
            self.process(training_data.training_examples)
            return training_data

except ImportError:  # pragma: no cover - Rasa is always installed in the project's venv
    pass
