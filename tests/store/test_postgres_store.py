"""The index in PostgreSQL (pgvector): a real server from the pgserver package,
over a unix socket. Every command works on it as on a local index, with the
same answers; copies move both ways without embedding again; credentials never
show."""

import json
import re
import shutil
import subprocess
import sys

import numpy as np
import psycopg
import pytest

from assistant.errors import ExitCode
from assistant.store.open import open_reader
from assistant.store.urls import redact, scrub

from helpers.common import REPO, SAMPLE_DIR, json_lines, run_cli, write

NEWS = REPO.parent / "shared" / "eval" / "news_dev"
QUESTIONS = ["how many troops were sent?", "siapa Sekjen NATO?",
             "kapan Pyongyang dan Beijing menjalin hubungan diplomatik?",
             "where were the North Korean troops sent?", "who was Adolf Hitler?",
             "berapa tentara Korea Utara yang dikirim?", "Apa ibu kota Jepang?",
             "how do I change a bicycle tyre?"]


def build(where: list, docs=SAMPLE_DIR, *extra):
    r = run_cli("index", docs, *where, "--model", "hash", "-q", *extra)
    assert r.returncode == 0, r.stderr
    return r


def asked(where: list, questions=QUESTIONS, *extra) -> list[dict]:
    r = run_cli("ask", "--json", "-k", "3", *where, *extra, stdin="\n".join(questions) + "\n")
    assert r.returncode == 0, r.stderr
    return json_lines(r.stdout)


def first_cited(out: dict) -> tuple:
    c = out["citations"][0]
    return c["article"]["id"], c["start"], c["end"]


def test_index_ask_info_on_postgres_answer_as_the_local_store(tmp_path, pg_url):
    local = ["--index-dir", tmp_path / "ix"]
    pg = ["--store", pg_url]
    build(local)
    build(pg)
    info = json.loads(run_cli("info", "--json", "--check", *pg).stdout)
    assert info["problems"] == [] and info["articles"] == 41 and info["passages"] == 57
    assert info["index_type"] == "hnsw" and info["model"] == "hash"
    mine, theirs = asked(pg), asked(local)
    assert [first_cited(a) for a in mine] == [first_cited(b) for b in theirs]
    assert [a["found"] for a in mine] == [b["found"] for b in theirs]
    for a, b in zip(mine, theirs):  # the same ranking scores: cosine + the same keyword terms
        assert [c["score"] for c in a["citations"]] == pytest.approx(
            [c["score"] for c in b["citations"]], abs=1e-4)
    # follow-ups: searched with the question before, as locally
    follow = ["how many troops were sent?", "and where were they sent?"]
    assert [first_cited(a) for a in asked(pg, follow, "--follow-up")] == \
        [first_cited(b) for b in asked(local, follow, "--follow-up")]


def test_an_update_on_postgres_is_incremental(tmp_path, pg_url):
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE_DIR, docs)
    pg = ["--store", pg_url]
    build(pg, docs)
    victim = sorted(docs.glob("*.txt"))[-1]
    victim.unlink()
    write(docs / "baru.txt", "Banjir besar merendam Kota Lamaran pada hari Jumat.\n\n"
          "Sebanyak 512 rumah warga terendam air setinggi satu meter.\n")
    r = run_cli("index", *pg, "--json")  # no PATH: the recorded folder again
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert (s["added"], s["removed"], s["unchanged"], s["articles"]) == (1, 1, 40, 41)
    assert s["embedded"] == 1 and s["index_dir"] == redact(pg_url)  # one passage: the new one
    out = asked(pg, ["berapa rumah warga terendam banjir di Lamaran?"])[0]
    assert "512 rumah" in out["citations"][0]["text"]
    again = json.loads(run_cli("index", *pg, "--json").stdout)
    assert (again["added"], again["embedded"], again["unchanged"]) == (0, 0, 41)
    r = run_cli("index", *pg, "--rebuild", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["articles"] == 41
    assert run_cli("info", "--check", *pg).returncode == 0


def test_eval_on_postgres_matches_the_local_store(tmp_path, pg_url):
    """news_dev with the hash model: the same [1] for at least 95 % of the
    questions (follow-ups asked in one conversation, off-topic ones included)."""
    news = tmp_path / "news"
    shutil.copytree(NEWS, news)
    runs = {}
    for name, where in (("local", ["--index-dir", tmp_path / "ix"]), ("pg", ["--store", pg_url])):
        build(where, news / "articles")
        r = run_cli("eval", news, "--json", "--details", *where)
        assert r.returncode == 0, r.stderr
        runs[name] = json.loads(r.stdout)
    pairs = list(zip(runs["local"]["details"], runs["pg"]["details"]))
    assert len(pairs) == 70
    same = sum(a["first"] == b["first"] for a, b in pairs)
    assert same >= 0.95 * len(pairs), same
    assert abs(runs["local"]["mrr"] - runs["pg"]["mrr"]) <= 0.02


def stored(location) -> dict:
    """What an index holds, keyed by what it is (row ids differ between stores)."""
    reader = open_reader(str(location))
    try:
        with reader.snapshot():
            data = reader.export()
    finally:
        reader.close()
    keep = ("model_id", "dim", "analyzer", "background", "dense_scale", "roots")
    out = {"manifest": {k: data.manifest.get(k) for k in keep}, "sources": sorted(data.sources)}
    for a in data.articles:
        out[a.key] = ([(a.public_id, a.title, a.source, a.date, a.url, a.text, a.content_hash)]
                      + [(p.ordinal, p.paragraph, p.start, p.end, p.text, p.text_hash, p.context,
                          p.fts_body, p.sentences) for p in a.passages],
                      a.embeddings)
    return out


def assert_same_index(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    assert a["manifest"] == b["manifest"] and a["sources"] == b["sources"]
    for key in a.keys() - {"manifest", "sources"}:
        assert a[key][0] == b[key][0], key
        np.testing.assert_array_equal(a[key][1], b[key][1])  # copied, never re-embedded


def test_migration_both_ways_copies_the_index_as_it_is(tmp_path, pg_url):
    local, back = tmp_path / "ix", tmp_path / "back"
    build(["--index-dir", local])
    r = run_cli("index", "--store", pg_url, "--from", local, "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert (s["articles"], s["passages"], s["embedded"], s["reused"]) == (41, 57, 0, 57)
    r = run_cli("index", "--index-dir", back, "--from", pg_url, "--json")
    assert r.returncode == 0, r.stderr
    original = stored(local)
    articles = [v[0] for k, v in original.items() if k not in ("manifest", "sources")]
    assert any(p[-1] for rows in articles for p in rows[1:])  # sentence vectors go along
    assert_same_index(original, stored(pg_url))
    assert_same_index(original, stored(back))
    assert run_cli("info", "--check", "--index-dir", back).returncode == 0
    assert [first_cited(a) for a in asked(["--index-dir", back])] == \
        [first_cited(b) for b in asked(["--store", pg_url])]
    # the copy is an index like any other: it updates incrementally from the recorded folder
    r = run_cli("index", "--store", pg_url, "--json")
    assert json.loads(r.stdout)["embedded"] == 0
    # an index already there is replaced only when the user says so
    r = run_cli("index", "--store", pg_url, "--from", local)
    assert r.returncode == ExitCode.CONFIRM and "--yes" in r.stderr
    assert run_cli("index", "--store", pg_url, "--from", local, "--yes", "-q").returncode == 0
    # the model goes with the vectors
    r = run_cli("index", "--index-dir", tmp_path / "other", "--from", pg_url, "--model",
                "e5-small")
    assert r.returncode == ExitCode.MODEL_MISMATCH, r.stderr


def test_asking_postgres_with_another_model_or_an_empty_database(pg_url):
    r = run_cli("ask", "banjir", "--store", pg_url)
    assert r.returncode == ExitCode.NO_INDEX and "Traceback" not in r.stderr
    build(["--store", pg_url])
    r = run_cli("ask", "banjir", "--store", pg_url, "--model", "e5-small")
    assert r.returncode == ExitCode.MODEL_MISMATCH
    r = run_cli("index", SAMPLE_DIR, "--store", pg_url, "--model", "hash", "--index-type", "ivf")
    assert r.returncode == ExitCode.USAGE


SECRET = "pw-Zq8-never-shown"


def with_password(url: str) -> str:
    """The same URL with a password (the test server trusts local users, so it
    is accepted and ignored: the point is where it shows)."""
    return url.replace("postgresql://postgres:@", f"postgresql://postgres:{SECRET}@")


def test_credentials_never_appear_in_output_or_errors(tmp_path, pg_url):
    url = with_password(pg_url)
    assert SECRET not in redact(url) and "postgres:***@" in redact(url)
    assert SECRET not in scrub(f"failed for {url} ({SECRET})", url)
    runs = [run_cli("index", SAMPLE_DIR, "--store", url, "--model", "hash", "--json"),
            run_cli("index", SAMPLE_DIR, "--store", url, "--model", "hash"),
            run_cli("info", "--store", url), run_cli("info", "--store", url, "--json"),
            run_cli("ask", "siapa Sekjen NATO?", "--store", url, "--json")]
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    # errors: a database that is not there, a server that is not there, a bad setting
    missing = re.sub(r"@/[^?]+\?", "@/nosuchdb?", url)
    nowhere = f"postgresql://postgres:{SECRET}@127.0.0.1:1/x"
    failing = [run_cli("ask", "banjir", "--store", missing),
               run_cli("info", "--store", nowhere),
               run_cli("index", "--store", nowhere, "--from", tmp_path),
               run_cli("ask", "banjir", "--debug", "--store", missing),
               run_cli("ask", "banjir", env={"ASSISTANT_STORE": f"mysql://u:{SECRET}@h/d"}),
               run_cli("info", "--store", pg_url.replace("postgres:@", "postgres@"),
                       env={"PGPASSWORD": SECRET, "PGDATABASE": "nosuchdb"})]
    assert [r.returncode for r in failing][:3] == [ExitCode.NO_INDEX] * 3, [r.stderr for r in failing]
    assert failing[4].returncode == ExitCode.USAGE
    for r in runs + failing:
        assert SECRET not in r.stdout + r.stderr, r.stderr
        assert "Traceback" not in r.stderr or "--debug" in r.args


def hold_writer_lock(url: str) -> psycopg.Connection:
    """Take the store's writer lock as a running update would."""
    from assistant.store.postgres.connection import LOCK_KEY

    conn = psycopg.connect(url, autocommit=True)
    conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    return conn


def test_a_second_writer_on_postgres_waits_or_gets_exit_6(tmp_path, pg_url):
    build(["--store", pg_url])
    holder = hold_writer_lock(pg_url)
    try:
        busy = run_cli("index", "--store", pg_url, "--no-wait")
        second = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--store", pg_url,
                                   "--rebuild", "-q"], stderr=subprocess.PIPE, text=True,
                                  env=run_env())
        said = second.stderr.readline()  # returns once the second update says it waits
        assert "waiting" in said and second.poll() is None, said
    finally:
        holder.close()  # the lock goes with the connection, as when an update dies
    assert busy.returncode == ExitCode.INDEX_BUSY and "being updated" in busy.stderr
    assert second.wait(timeout=120) == 0, second.stderr.read()


def run_env() -> dict:
    import os

    return {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1"}


def test_info_check_finds_keyword_counts_that_disagree_with_the_passages(pg_url):
    build(["--store", pg_url])
    assert run_cli("info", "--check", "--store", pg_url).returncode == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:  # as a torn write would leave them
        conn.execute("UPDATE assistant.terms SET docs = docs + 1 WHERE term = 'nato'")
    r = run_cli("info", "--check", "--store", pg_url)
    assert r.returncode == ExitCode.CORRUPT_INDEX and "term counts" in r.stderr


def test_filters_by_source_and_date_on_postgres_cite_as_the_local_store(tmp_path, pg_url):
    """--source/--since/--until restrict the search itself on both stores: the
    few allowed stories come back although the unfiltered top holds none."""
    lines = [{"id": f"antara-{i}", "title": f"Banjir Padang {i}", "source": "ANTARA",
              "date": f"2024-01-{i % 28 + 1:02d}", "url": f"https://www.antaranews.com/{i}",
              "text": f"Banjir besar merendam kota Padang hari ke-{i}. Banjir di kota Padang "
                      f"merendam rumah warga nomor {i}."} for i in range(60)]
    towns = ["Padang", "Solok", "Bukittinggi", "Pariaman", "Payakumbuh", "Sawahlunto"]
    lines += [{"id": f"reuters-{i}", "title": f"Market report {town}",
               "source": "Thomson Reuters", "date": f"2024-11-{i + 10:02d}",
               "url": f"https://www.reuters.com/markets/{i}",
               "text": f"Harga saham di bursa {town} naik tipis pada perdagangan sore ini, dan "
                       f"hujan membuat banjir kecil di kota {town}."} for i, town in enumerate(towns)]
    docs = write(tmp_path / "docs" / "feed.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    local, pg = ["--index-dir", tmp_path / "ix"], ["--store", pg_url]
    build(local, docs.parent)
    build(pg, docs.parent)
    question = ["banjir besar merendam kota Padang"]
    for flags in (["--source", "reuters"], ["--since", "2024-11-12"],
                  ["--source", "antara", "--until", "2024-01-03"], []):
        for mode in ("hybrid", "keyword", "dense"):
            mine = asked(pg, question, "-k", "6", "--mode", mode, *flags)[0]
            theirs = asked(local, question, "-k", "6", "--mode", mode, *flags)[0]
            ids = {c["article"]["id"] for c in mine["citations"]}
            if mode != "keyword":  # the same scores (ts_rank and BM25 differ in scale)
                assert [round(c["score"], 4) for c in mine["citations"]] == \
                    [round(c["score"], 4) for c in theirs["citations"]], (flags, mode)
            # the same stories, unless some tie (they differ by a number) at the cut
            assert ids == {c["article"]["id"] for c in theirs["citations"]} or \
                len(set(c["score"] for c in mine["citations"])) < len(ids), (flags, mode)
            if flags == ["--source", "reuters"]:  # all six, though none is in the plain top
                assert ids == {f"reuters-{i}" for i in range(6)}


def test_article_passages_are_the_same_in_both_stores(tmp_path, pg_url):
    """Where each passage lies in its article's text (MCP's get_article), alike."""
    build(["--index-dir", tmp_path / "ix"])
    build(["--store", pg_url])
    local, pg = open_reader(str(tmp_path / "ix")), open_reader(pg_url)
    try:
        articles = local.list_articles()
        assert len(articles) == 41
        for a in articles:
            mine = local.article_passages(a.id)
            assert mine == pg.article_passages(a.id) and len(mine) == a.passages
            text = local.article(a.id).text
            assert [p.ordinal for p in mine] == list(range(len(mine)))
            assert all(0 <= p.start < p.end <= len(text) for p in mine)
        assert local.article_passages("no-such-id") == pg.article_passages("no-such-id") == []
    finally:
        local.close()
        pg.close()
