"""Dates that decide: "first day", "latest", "now" or a month, read against
each report's date (assistant/query/asked_time.py)."""

import pytest

from assistant.query.asked_time import EARLIEST, LATEST, asked_month, asked_order, fitting_dates

from helpers.common import hash_index, json_lines, run_cli


@pytest.mark.parametrize("question,expected", [
    ("How many people died on the first day of the landslide?", EARLIEST),
    ("Berapa korban pada hari pertama longsor?", EARLIEST),
    ("What is the latest death toll?", LATEST),
    ("Berapa jumlah korban terbaru?", LATEST),
    ("How many children have died now?", LATEST),
    ("Berapa korban kini?", LATEST),
    ("Who scored the first goal?", None),
    ("How many people died?", None),
    # a follow-up is searched with the question before it: the last cue wins
    ("How many have died now? and how many on the first day?", EARLIEST),
])
def test_the_report_a_question_asks_for(question, expected):
    assert asked_order(question) == expected


def test_a_month_without_a_day():
    assert asked_month("How many tourists came in January?") == 1
    assert asked_month("Berapa wisatawan pada Mei?") == 5
    assert asked_month("What happened on 7 April 2026?") is None  # a day: asked_day's
    assert asked_month("How many were killed?") is None


def test_fitting_dates():
    dates = ["2025-11-13", "2025-11-15", None]
    assert fitting_dates(dates, EARLIEST, None) == [True, False, False]
    assert fitting_dates(dates, LATEST, None) == [False, True, False]
    assert fitting_dates(["2025-11-13", "2025-11-13"], LATEST, None) == [False, False]
    assert fitting_dates(["2025-01-22", "2025-02-10"], None, 1) == [True, False]


def _report(day: str, dead: int) -> str:
    return (f"---\ntitle: Landslide in Karangkobar\ndate: {day}\n---\n\n"
            f"The landslide in Karangkobar buried houses; {dead} people are confirmed dead, "
            f"the disaster agency said.\n")


def test_first_day_and_latest_pick_their_report(tmp_path):
    ix = hash_index(tmp_path, {"day1.md": _report("2025-11-13", 11), "day3.md": _report("2025-11-15", 15)})
    first = "How many people were confirmed dead on the first day of the Karangkobar landslide?"
    for question, day in ((first, "2025-11-13"),
                          ("What is the latest death toll of the Karangkobar landslide?", "2025-11-15")):
        r = run_cli("ask", question, "--json", "--index-dir", ix)
        assert r.returncode == 0, r.stderr
        assert json_lines(r.stdout)[0]["citations"][0]["article"]["date"] == day, question
