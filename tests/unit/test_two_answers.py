"""Two answers of one topic in one reply (`kari.conversation.turn._followed_by`): what they share is said
once, at the end, so the reply reads as one answer with its caution and its source."""

from kari.conversation.turn import _followed_by

SOURCE = "Kjelde: "
CAUTION = "Dette kan vere utdatert – sjekk kjelda eller ring 70 16 20 00."


def test_a_shared_source_line_and_caution_come_once_after_both():
    first = f"Du søkjer i Foresattportalen. {CAUTION}\nKjelde: https://example.no/a"
    second = f"Fristen er 1. mars. {CAUTION}\nKjelde: https://example.no/a"
    joined = _followed_by(first, second, SOURCE)
    assert joined == f"Du søkjer i Foresattportalen.\n\n{second}"
    assert joined.count("Kjelde:") == 1 and joined.count(CAUTION) == 1


def test_different_sources_are_both_kept():
    first = "Du søkjer i Foresattportalen.\nKjelde: https://example.no/a"
    second = "Prisen er makspris.\nKjelde: https://example.no/b"
    assert _followed_by(first, second, SOURCE) == f"{first}\n\n{second}"
