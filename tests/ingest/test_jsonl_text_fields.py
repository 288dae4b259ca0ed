"""A .jsonl line with a NUL (or a lone surrogate) in any field is indexed the
same by both stores, and the run goes on (issue 25, item 7), through the real
CLI and a real PostgreSQL."""

import json

import pytest

from helpers.common import run_cli, write

LINES = [
    {"id": "nul\u0000id", "title": "Flood\u0000 warning", "source": "Kom\u0000pas",
     "url": "https://example.com/\u0000a", "date": "2024-11-14",
     "text": "The river rose two metres overnight,\u0000 flooding the old market."},
    {"id": "sur\ud800", "title": "Harbour \udfff", "text": "Ships waited at the harbour \ud800 "
     "for three days because of the storm."},
    {"id": "plain", "text": "The council approved the new budget on Monday after a long debate."},
]


def _feed(tmp_path):
    body = "\n".join(json.dumps(line) for line in LINES) + "\n"  # ASCII: \u escapes as JSON
    return write(tmp_path / "docs" / "feed.jsonl", body).parent


@pytest.mark.parametrize("store", ["local", "postgres"])
def test_nul_and_surrogates_in_jsonl_fields_are_cleaned(tmp_path, store, request):
    docs = _feed(tmp_path)
    where = (["--store", request.getfixturevalue("pg_url")] if store == "postgres"
             else ["--index-dir", tmp_path / "ix"])
    r = run_cli("index", docs, *where, "--model", "hash", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert (summary["added"], summary["articles"]) == (3, 3), summary
    r = run_cli("ask", "river flooding market", *where, "--model", "hash", "--json")
    assert r.returncode == 0, r.stderr
    top = json.loads(r.stdout)["citations"][0]["article"]
    assert (top["id"], top["title"], top["source"]) == ("nulid", "Flood warning", "Kompas")
    again = json.loads(run_cli("index", *where, "--model", "hash", "--json").stdout)
    assert again["unchanged"] == 3  # the cleaned line is stable: no churn on every run
