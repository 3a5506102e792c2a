"""The judge of the answer sets: what counts as a right reply for an emergency and for a calm message."""

from __future__ import annotations

from kari.conversation.texts import emergency_text, likely_emergency_text
from kari.evaluation.answers import Check, is_right


def check(kind: str, facts=(), emergency=False) -> Check:
    return Check("t-1", "nn", kind, "…", tuple(tuple(f) for f in facts), emergency)


def test_an_emergency_needs_its_number_in_the_first_message():
    needs_113 = check("emergency", [["113"]], emergency=True)
    assert is_right(needs_113, [emergency_text(("medical",), "nn")])
    assert is_right(needs_113, [likely_emergency_text("nb") + "\n\nSvaret …"])
    assert not is_right(needs_113, ["Legevakta har telefon 116 117.", "Ring 113."])  # too late


def test_a_calm_message_must_not_raise_the_alarm():
    calm = check("calm")
    assert is_right(calm, ["Legevakta er open heile døgnet. Står liv eller helse i fare, ring 113."])
    assert not is_right(calm, [emergency_text(("fire",), "nb", "")])
    assert not is_right(calm, [likely_emergency_text("nn") + "\n\nFeiing: …"])
    assert not is_right(calm, [])
