"""A question that names a day ranks the articles that report that day first."""

import pytest

from assistant.query.asked_day import asked_day, reports_day

from helpers.common import hash_index, json_lines, run_cli


@pytest.mark.parametrize("question,expected", [
    ("Where did the Jakarta index close on 7 April 2026?", (2026, 4, 7)),
    ("Where did the rupiah close on June 30, 2026?", (2026, 6, 30)),
    ("Berapa korban longsor pada 13 November?", (None, 11, 13)),
    ("Apa yang terjadi Selasa (7/4/2026)?", (2026, 4, 7)),
    # a year or a month alone is a period, not the day of a report
    ("How many tourists visited Labuan Bajo in 2025?", None),
    ("Berapa tarif baru mulai Maret 2026?", None),
    ("How many were killed?", None),
])
def test_the_day_a_question_names(question, expected):
    assert asked_day(question) == expected


def test_an_article_reports_its_day_or_the_day_before():
    assert reports_day("2026-04-07", (2026, 4, 7))
    assert reports_day("2026-04-08", (2026, 4, 7))  # the next morning's paper
    assert reports_day("2026-04-07", (None, 4, 7))
    assert not reports_day("2026-04-09", (2026, 4, 7))
    assert not reports_day("2026-06-23", (2026, 4, 7))
    assert not reports_day(None, (2026, 4, 7))
    assert not reports_day("2026-02-01", (2026, 2, 30))


STORY = "The Jakarta Composite Index closed at {} on Tuesday, traders said."


def test_a_named_day_ranks_the_article_of_that_day_first(tmp_path):
    ix = hash_index(tmp_path, {
        "a-june.md": "---\ntitle: Stocks close\ndate: 2026-06-23\n---\n\n" + STORY.format("7,982"),
        "b-april.md": "---\ntitle: Stocks close\ndate: 2026-04-07\n---\n\n" + STORY.format("6,812"),
    })
    r = run_cli("ask", "Where did the Jakarta index close on 7 April 2026?", "--json",
                "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    [result] = json_lines(r.stdout)
    assert result["citations"][0]["article"]["date"] == "2026-04-07"
    r = run_cli("ask", "Where did the Jakarta index close on 23 June 2026?", "--json",
                "--index-dir", ix)
    assert json_lines(r.stdout)[0]["citations"][0]["article"]["date"] == "2026-06-23"
