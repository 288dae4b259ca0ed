"""Filters by source and date (--source, --since, --until): applied inside
retrieval, so a filtered question gets k citations whenever k passages pass."""

import json
from datetime import date

import numpy as np
import pytest

from assistant.app.service import IndexRequest
from assistant.errors import ExitCode, UsageError
from assistant.present.schema import AskOutput
from assistant.query.options import NO_FILTERS, Filters

from helpers.common import json_lines, run_cli, write

QUESTION = "banjir besar merendam kota Padang"
TOWNS = ["Padang", "Solok", "Bukittinggi", "Pariaman", "Payakumbuh", "Sawahlunto"]


@pytest.fixture(scope="module")
def news_index(tmp_path_factory):
    """60 Antara stories that match the question closely, and 6 Reuters stories
    (dated November 2024) that barely do: without a filter the Reuters ones are
    far below the top k, and below the dense pool too, so filtering the top of
    an unfiltered search would find none of them."""
    root = tmp_path_factory.mktemp("filters")
    lines = []
    for i in range(60):
        lines.append({"id": f"antara-{i}", "title": f"Banjir Padang {i}", "source": "ANTARA",
                      "date": f"2024-01-{i % 28 + 1:02d}", "url": f"https://www.antaranews.com/{i}",
                      "text": f"Banjir besar merendam kota Padang hari ke-{i}. Banjir di kota "
                              f"Padang merendam rumah warga nomor {i}."})
    for i, town in enumerate(TOWNS):
        lines.append({"id": f"reuters-{i}", "title": f"Market report {town}",
                      "source": "Thomson Reuters", "date": f"2024-11-{i + 10:02d}",
                      "url": f"https://www.reuters.com/markets/{i}",
                      "text": f"Harga saham di bursa {town} naik tipis pada perdagangan sore "
                              f"ini, dan hujan membuat banjir kecil di kota {town}."})
    lines.append({"id": "undated", "title": "Tanpa tanggal", "source": "Thomson Reuters",
                  "text": "Banjir besar merendam kota Padang, kata laporan tanpa tanggal."})
    docs = root / "docs"
    write(docs / "feed.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    index_dir = root / "index"
    r = run_cli("index", docs, "--index-dir", index_dir, "--model", "hash", "-q")
    assert r.returncode == 0, r.stderr
    return index_dir


def ask_json(index_dir, *args):
    r = run_cli("ask", QUESTION, "--json", "--index-dir", index_dir, *args)
    assert r.returncode == 0, r.stderr
    return AskOutput.model_validate_json(r.stdout)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_the_unfiltered_top_holds_no_reuters_story(news_index, mode):
    """The premise of the tests below: filtering after the top k would fail."""
    out = ask_json(news_index, "-k", "50", "--mode", mode)
    assert len(out.citations) == 50
    assert all(c.article.source == "ANTARA" for c in out.citations)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_source_filter_gives_k_citations_of_that_source(news_index, mode):
    out = ask_json(news_index, "-k", "5", "--mode", mode, "--source", "reuters")
    assert len(out.citations) == 5
    assert all(c.article.source == "Thomson Reuters" for c in out.citations)
    assert out.filters is not None and out.filters.source == "reuters"


def test_source_filter_matches_the_web_address_in_any_case(news_index):
    out = ask_json(news_index, "-k", "3", "--source", "ANTARANEWS.com")
    assert len(out.citations) == 3
    assert all(c.article.id.startswith("antara-") for c in out.citations)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_since_gives_k_citations_dated_on_or_after(news_index, mode):
    out = ask_json(news_index, "-k", "4", "--mode", mode, "--since", "2024-11-11")
    assert len(out.citations) == 4
    assert all(c.article.date is not None and c.article.date >= "2024-11-11"
               for c in out.citations)
    assert out.filters is not None and out.filters.since == "2024-11-11"


def test_until_and_since_bound_both_ends_and_leave_undated_articles_out(news_index):
    out = ask_json(news_index, "-k", "10", "--since", "2024-11-11", "--until", "2024-11-13",
                   "--source", "reuters")
    assert sorted(c.article.date for c in out.citations) == ["2024-11-11", "2024-11-12",
                                                             "2024-11-13"]
    assert out.filters is not None and out.filters.model_dump() == {
        "source": "reuters", "since": "2024-11-11", "until": "2024-11-13"}
    # Without a date bound the undated Reuters story (the best match of all) is cited.
    assert ask_json(news_index, "-k", "1", "--source", "reuters").citations[0].article.id == \
        "undated"


def test_a_filter_no_article_matches_is_not_found_with_a_note(news_index):
    r = run_cli("ask", QUESTION, "--json", "--index-dir", news_index, "--source", "bbc")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["found"] is False and out["citations"] == []
    assert "no article matches the filters (source bbc)" in out["note"]
    human = run_cli("ask", QUESTION, "--index-dir", news_index, "--since", "2030-01-01")
    assert human.returncode == 0
    assert "no article matches the filters (since 2030-01-01)" in human.stdout


def test_output_without_filters_has_no_filters_key(news_index):
    r = run_cli("ask", QUESTION, "--json", "-k", "1", "--index-dir", news_index)
    assert "filters" not in json.loads(r.stdout)


@pytest.mark.parametrize("args", [("--since", "2024-13-01"), ("--until", "yesterday"),
                                  ("--since", "2024-11-02", "--until", "2024-11-01"),
                                  ("--source", "  ...  ")])
def test_bad_filters_are_usage_errors(news_index, args):
    r = run_cli("ask", QUESTION, "--index-dir", news_index, *args)
    assert r.returncode == ExitCode.USAGE
    assert args[0] in r.stderr and "Traceback" not in r.stderr


def test_filters_hold_for_every_line_of_a_batch(news_index):
    r = run_cli("ask", "--json", "--follow-up", "-k", "2", "--index-dir", news_index,
                "--source", "reuters", stdin=f"{QUESTION}\nand in Solok?\n")
    assert r.returncode == 0, r.stderr
    outs = json_lines(r.stdout)
    assert len(outs) == 2
    assert all(c["article"]["source"] == "Thomson Reuters" for o in outs for c in o["citations"])


def test_relative_days_count_back_from_today():
    f = Filters.parse(since="7d", until="0d", today=date(2024, 11, 14))
    assert (f.since, f.until) == ("2024-11-07", "2024-11-14")
    with pytest.raises(UsageError):
        Filters.parse(since="7 days")


@pytest.mark.parametrize("name,source,url,expected", [
    ("reuters", "Thomson Reuters", None, True),
    ("REUTERS.com", None, "https://www.reuters.com/x", True),
    ("kompas", "KOMPAS.TV", None, True),
    ("thomson reuters", "Thomson Reuters", None, True),
    ("reuters thomson", "Thomson Reuters", None, False),
    ("reut", "Thomson Reuters", None, False),
    ("reuters", None, None, False),
])
def test_source_matches_whole_words_of_the_name_or_the_web_address(name, source, url, expected):
    assert Filters.parse(source=name).matches_source(source, url) is expected


def test_follow_ups_keep_the_conversation_filter(make_service, tmp_path):
    docs = tmp_path / "docs"
    write(docs / "feed.jsonl", "".join(json.dumps(x) + "\n" for x in [
        {"id": "a", "source": "Antara", "date": "2024-01-01",
         "text": "Banjir besar merendam kota Padang. Ribuan warga mengungsi."},
        {"id": "r", "source": "Reuters", "date": "2024-11-01",
         "text": "Banjir kecil di kota Solok. Puluhan warga mengungsi ke masjid."}]))
    svc = make_service()
    svc.index(IndexRequest([str(docs)]))
    chat = svc.conversation()
    first = chat.ask("banjir besar Padang", filters=Filters.parse(source="reuters"), k=1)
    follow = chat.ask("dan berapa warga mengungsi?", k=1)
    assert follow.context == [first.question]
    assert [c.article.id for c in first.citations + follow.citations] == ["r", "r"]
    assert follow.filters == Filters(source="reuters")
    cleared = chat.ask("banjir besar Padang", filters=NO_FILTERS, k=1)
    assert cleared.citations[0].article.id == "a" and cleared.filters is None


def test_an_update_changes_what_a_filter_allows(make_service, tmp_path):
    """The allowed passages are kept between questions, but not past an update."""
    docs = tmp_path / "docs"
    story = {"source": "Reuters", "date": "2024-11-01",
             "text": "Banjir kecil di kota Solok. Puluhan warga mengungsi ke masjid."}
    write(docs / "a.jsonl", json.dumps({**story, "id": "r1"}) + "\n")
    svc = make_service()
    svc.index(IndexRequest([str(docs)]))
    reuters = Filters.parse(source="reuters")

    def cited():  # dense: keyword search alone would find the new story anyway
        return {c.article.id for c in svc.ask("banjir Solok", filters=reuters,
                                              mode="dense").citations}

    assert cited() == {"r1"}
    write(docs / "b.jsonl", json.dumps({**story, "id": "r2", "text": "Banjir di Solok surut."})
          + "\n")
    svc.index(IndexRequest([str(docs)]))
    assert cited() == {"r1", "r2"}


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_indexes_still_give_k_among_the_allowed(kind):
    """IVF visits a few cells and HNSW walks a graph: with a selector they can
    come back short; the allowed vectors are then scored exactly."""
    from assistant.store.local import vectors as vec

    rng = np.random.default_rng(7)
    data = rng.normal(size=(4000, 16)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    ids = np.arange(1, 4001, dtype=np.int64)
    index = vec.build_index(kind, 16, ids, data)
    if kind == "ivf":
        index.nprobe = 1
    query = data[0]
    # The allowed passages are the ones farthest from the question.
    far = ids[np.argsort(data @ query)[:7]]
    hits = vec.search_among(index, query, 5, np.sort(far))
    assert len(hits) == 5 and {i for i, _ in hits} <= set(far.tolist())
    exact = sorted(far.tolist(), key=lambda i: -float(data[i - 1] @ query))[:5]
    assert [i for i, _ in hits] == exact
