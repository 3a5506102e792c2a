"""Smoke test of the benchmark's simulated citizens (bench/driver.py) against the test stack: the
driver `make bench` relies on counts what it sends and tells answers from failures. Nothing timed."""

from __future__ import annotations

import pytest

from bench import driver, profile
from bench.run import verdict

pytestmark = pytest.mark.stack


def test_two_citizens_two_turns_are_all_answered_and_counted(kari_stack):
    result = driver.run(f"{kari_stack.rasa_url}/webhooks/kari/webhook", users=2, turns=2)
    row = driver.summary(result)
    assert row["messages"] == 4
    assert (row["errors"], row["empty"]) == (0, 0), row["statuses"]
    assert len(result.latencies) == 4 and row["p50_ms"] > 0 and row["messages_per_s"] > 0


def test_a_failing_server_counts_as_errors_not_as_answers(kari_stack):
    result = driver.run(f"{kari_stack.rasa_url}/webhooks/nothing-here/webhook", users=2, turns=2)
    assert result.errors == 4 and not result.latencies


def test_conversations_are_multi_turn_in_both_standards_and_end_with_thanks():
    dialogues = driver.conversations(20, 12)
    assert all(len(d) == 12 and "takk" in d[-1].lower() for d in dialogues)
    assert len({text for d in dialogues for text in d}) > 100  # not the same few questions
    assert driver.conversations(3, 5, seed=4) == driver.conversations(3, 5, seed=4)  # rounds are comparable


def test_targets_are_judged_as_ratios_to_the_default_bot():
    level = {"messages_per_s": 10.0, "p50_ms": 20.0, "errors": 0, "empty": 0}
    results = {
        "levels": {
            "1x4": {"kari": {**level, "p50_ms": 10.0}, "default": level},
            "20x4": {"kari": {**level, "messages_per_s": 16.0}, "default": level},
            "50x2": {"kari": {**level, "errors": 1}, "default": level},
        },
        "memory": {"kari_rasa": {"rss_mb": 500.0}, "default_rasa": {"rss_mb": 1000.0}},
        "growth": {"turn300_vs_turn1": 1.1},
    }
    met = verdict(results, [(1, 4), (20, 4), (50, 2)])["met"]
    assert met == {"throughput_20": True, "p50_1": True, "errors_50": False, "rss": True, "turn300": True}


def test_profile_stages_count_busy_samples_only():
    channel = "serve (sanic/server/runners.py:1);handle (kari/channels/kari_channel.py:9)"
    stacks = [
        ("_bootstrap (threading.py:1);_worker (concurrent/futures/thread.py:81)", 50),  # idle
        (channel + ";mask_details (kari/privacy.py:3)", 2),
        (channel, 3),
    ]
    rows = profile.breakdown(profile.busy(stacks), profile.RASA_STAGES, messages=1)
    by_stage = {row["stage"]: row["samples"] for row in rows}
    assert by_stage["Rasa server, all CPU"] == 5
    assert by_stage["Kari channel before the turn (kari_channel.handle)"] == 5
    assert by_stage["masking of personal data (privacy.mask_details)"] == 2


def test_the_profile_rewrites_only_its_own_part_of_the_page(tmp_path):
    page = tmp_path / "PROFILE.md"
    page.write_text(f"# Cost\nwritten by hand\n{profile.START}\nold table\n{profile.END}\nhistory by hand\n")
    profile.write_between_marks(page, "new table")
    assert page.read_text() == f"# Cost\nwritten by hand\n{profile.START}\nnew table\n{profile.END}\nhistory by hand\n"
    fresh = tmp_path / "new.md"
    profile.write_between_marks(fresh, "first table")
    assert "first table" in fresh.read_text() and profile.END in fresh.read_text()


def test_the_benchmarks_options_are_checked_with_a_clear_message(capsys):
    from bench.run import main

    for bad in (["--levels", "20"], ["--levels", "0x5"], ["--rounds", "0"]):
        with pytest.raises(SystemExit) as stopped:
            main(bad)
        assert stopped.value.code == 2 and "error: argument" in capsys.readouterr().err
