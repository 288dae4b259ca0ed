"""`assistant serve` through the real entry point: a server subprocess and an
HTTP client. The same JSON as `ask --json`, errors as statuses with our
messages, the token, the body limit, updates as jobs, and many clients
answered while an update runs."""

import json
import threading
import time

import httpx
import pytest

from helpers.common import TROOPS, json_lines, run_cli, sample_hash_index, write
from helpers.serve import client, running_server

QUESTION = "berapa tentara Korea Utara dikirimkan ke Kursk"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """(index folder, base URL) of a server over the sample article's hash index."""
    ix = sample_hash_index(tmp_path_factory.mktemp("serve"))
    with running_server("--index-dir", ix) as (url, _, _):
        yield ix, url


def test_ask_gives_the_same_json_as_the_cli(sample):
    ix, url = sample
    local = run_cli("ask", QUESTION, "--json", "-k", "3", "--index-dir", ix)
    assert local.returncode == 0, local.stderr
    with client(url) as http:
        r = http.post("/ask", json={"question": QUESTION, "k": 3})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == json.loads(local.stdout)
    assert TROOPS in r.text


def test_mode_and_k_are_passed_on(sample):
    ix, url = sample
    local = run_cli("ask", QUESTION, "--json", "-k", "2", "--mode", "keyword", "--index-dir", ix)
    with client(url) as http:
        r = http.post("/ask", json={"question": QUESTION, "k": 2, "mode": "keyword"})
    assert r.json() == json.loads(local.stdout)
    assert r.json()["mode"] == "keyword" and len(r.json()["citations"]) == 2


def test_filters_are_passed_on(sample):
    ix, url = sample
    with client(url) as http:
        for flags, body in ((["--source", "kompas"], {"source": "kompas"}),
                            (["--source", "reuters"], {"source": "reuters"}),
                            (["--since", "2024-11-15"], {"since": "2024-11-15"}),
                            (["--until", "2024-11-14"], {"until": "2024-11-14"})):
            local = run_cli("ask", QUESTION, "--json", *flags, "--index-dir", ix)
            remote = run_cli("ask", QUESTION, "--json", *flags, "--server", url)
            r = http.post("/ask", json={"question": QUESTION, **body})
            assert r.json() == json.loads(local.stdout) == json.loads(remote.stdout), flags
            assert bool(r.json()["citations"]) == (flags[1] in ("kompas", "2024-11-14"))
        bad = http.post("/ask", json={"question": QUESTION, "since": "yesterday"})
    assert bad.status_code == 400 and "must be a date as YYYY-MM-DD" in bad.json()["error"]


def test_bad_values_get_our_messages(sample):
    _, url = sample
    with client(url) as http:
        bad_mode = http.post("/ask", json={"question": QUESTION, "mode": "psychic"})
        bad_k = http.post("/ask", json={"question": QUESTION, "k": 0})
        not_a_number = http.post("/ask", json={"question": QUESTION, "k": "many"})
        empty = http.post("/ask", json={"question": "   "})
        unknown_field = http.post("/ask", json={"question": QUESTION, "colour": "red"})
    assert bad_mode.status_code == 400
    assert bad_mode.json() == {"error": "unknown mode 'psychic' (choose from hybrid, dense, "
                                        "keyword)", "exit_code": 2}
    assert bad_k.status_code == 400 and bad_k.json()["error"] == "k must be within 1–100, not 0"
    assert empty.status_code == 400 and empty.json()["error"] == "the question is empty"
    assert not_a_number.status_code == 422 and not_a_number.json()["exit_code"] == 2
    assert not_a_number.json()["error"].startswith("k: ")
    assert unknown_field.status_code == 422 and "colour" in unknown_field.json()["error"]
    for r in (bad_mode, not_a_number, empty):
        assert "Traceback" not in r.text


def test_an_oversized_body_gets_413(sample):
    _, url = sample
    body = json.dumps({"question": "banjir " * 20_000}).encode()
    with client(url) as http:
        announced = http.post("/ask", content=body, headers={"content-type": "application/json"})
        chunked = http.post("/ask", content=iter([body[:40_000], body[40_000:]]),
                            headers={"content-type": "application/json"})
        small_chunked = http.post("/ask", content=iter([json.dumps({"question": QUESTION})
                                                        .encode()]),
                                  headers={"content-type": "application/json"})
    for r in (announced, chunked):
        assert r.status_code == 413
        assert r.json() == {"error": "request body over 65536 bytes", "exit_code": 2}
    assert small_chunked.status_code == 200 and TROOPS in small_chunked.text


def test_a_long_question_is_cut_with_a_note_as_by_the_cli(sample):
    _, url = sample
    with client(url) as http:
        r = http.post("/ask", json={"question": "banjir " * 1000})
    assert r.status_code == 200
    assert r.json()["note"] == "question truncated to its first 2000 characters"


def test_follow_ups_within_a_conversation(sample):
    _, url = sample
    with client(url) as http:
        http.post("/ask", json={"question": QUESTION, "conversation": "c1"})
        follow = http.post("/ask", json={"question": "dan di mana mereka?", "conversation": "c1"})
        alone = http.post("/ask", json={"question": "dan di mana mereka?"})
        other = http.post("/ask", json={"question": "dan di mana mereka?", "conversation": "c2"})
    assert follow.json()["context"] == [QUESTION]
    assert alone.json()["context"] == [] and other.json()["context"] == []


def test_stream_sends_the_result_event(sample):
    _, url = sample
    with client(url) as http:
        plain = http.post("/ask", json={"question": QUESTION}).json()
        with http.stream("POST", "/ask/stream", json={"question": QUESTION}) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            text = r.read().decode()
        bad = http.post("/ask/stream", json={"question": QUESTION, "mode": "psychic"})
    events = _events(text)
    assert [e for e, _ in events] == ["result"]
    assert events[0][1] == plain
    assert bad.status_code == 400 and bad.json()["exit_code"] == 2  # before the stream starts


def _events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in fields:
            out.append((fields["event"], json.loads(fields["data"])))
    return out


def test_articles_and_one_article(sample):
    _, url = sample
    with client(url) as http:
        listed = http.get("/articles")
        one = http.get(f"/articles/{listed.json()[0]['id']}")
        missing = http.get("/articles/no-such-article")
    assert listed.status_code == 200
    assert [a["title"] for a in listed.json()] == ["China Korea Utara"]
    assert one.status_code == 200 and TROOPS in one.json()["text"]
    assert missing.status_code == 404
    assert missing.json() == {"error": "no article 'no-such-article' in the index", "exit_code": 2}


def test_health_and_openapi(sample):
    _, url = sample
    with client(url) as http:
        health = http.get("/health").json()
        spec = http.get("/openapi.json").json()
        docs = http.get("/docs")
    assert health["status"] == "ok" and health["index"] is True and health["updating"] is None
    assert {"/ask", "/ask/stream", "/articles", "/articles/{article_id}", "/index",
            "/index/{job_id}", "/health"} <= set(spec["paths"])
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_index_update_runs_as_a_job(tmp_path):
    ix = sample_hash_index(tmp_path)
    with running_server("--index-dir", ix) as (url, _, _), client(url) as http:
        write(tmp_path / "docs" / "banjir.txt", "Banjir di Sorong\n\nBanjir merendam 300 rumah "
                                                "di Sorong pada Senin.\n")
        started = http.post("/index")
        assert started.status_code == 202 and started.json()["state"] in ("running", "done")
        job = http.get(f"/index/{started.json()['id']}", params={"wait": 60}).json()
        assert job["state"] == "done" and job["exit_code"] == 0
        assert job["summary"]["added"] == 1 and job["summary"]["articles"] == 2
        assert http.post("/ask", json={"question": "berapa rumah terendam banjir di Sorong"}
                         ).json()["citations"][0]["article"]["title"] == "Banjir di Sorong"
        assert http.get("/index/nope").status_code == 404


def _corpus_round(docs, n: int, files: int = 150) -> None:
    for i in range(files):
        write(docs / f"round{n}-{i}.txt", f"Laporan {n}-{i}\n\n" + "\n\n".join(
            f"Paragraf {j}: hujan deras di kota {n}-{i} merendam {i * j + n} rumah pada Senin."
            for j in range(8)))


@pytest.mark.parametrize("seconds", [
    6, pytest.param(30, marks=pytest.mark.slow, id="30s-as-in-the-issue")])
def test_twenty_clients_get_no_error_while_updates_run(tmp_path, seconds):
    ix = sample_hash_index(tmp_path)
    docs = tmp_path / "docs"
    answered: list[tuple[float, int]] = []  # (when, status)
    failures: list[str] = []
    jobs: list[dict] = []
    with running_server("--index-dir", ix) as (url, _, _):
        end = time.time() + seconds

        def asker() -> None:
            with client(url) as http:
                while time.time() < end:
                    try:
                        r = http.post("/ask", json={"question": QUESTION, "k": 3})
                        answered.append((time.time(), r.status_code))
                        if r.status_code != 200 or TROOPS not in r.text:
                            failures.append(r.text[:300])
                    except httpx.HTTPError as e:
                        failures.append(repr(e))

        def updater() -> None:
            with client(url) as http:
                n = 0
                while time.time() < end:
                    _corpus_round(docs, n)
                    n += 1
                    started = http.post("/index")
                    assert started.status_code == 202, started.text
                    jobs.append(http.get(f"/index/{started.json()['id']}",
                                         params={"wait": 60}).json())

        threads = [threading.Thread(target=asker) for _ in range(20)]
        threads.append(threading.Thread(target=updater))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
    assert jobs and all(j["state"] == "done" for j in jobs), jobs
    during = [when for when, _ in answered
              if any(j["started_at"] < when < j["finished_at"] for j in jobs)]
    assert during, "no answer came while an update ran"
    assert len(answered) >= 20


def test_a_second_update_while_one_runs_is_409(tmp_path):
    """In process, with an embedder held mid-update, so the first update is
    surely running when the second is asked for."""
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    from helpers.tui import HeldAfterFirstBatch, corpus, service

    svc = service(tmp_path / "ix", build_from=corpus(tmp_path))
    held = HeldAfterFirstBatch()
    svc._embedder = held
    for i in range(40):  # more than one batch of passages to embed
        write(tmp_path / "articles" / f"new{i}.txt", f"Berita {i}\n\nPasukan ke-{i} tiba di "
                                                     f"pelabuhan nomor {i} pada Senin.\n")
    with TestClient(create_app(svc)) as http:
        first = http.post("/index").json()
        assert held.held.wait(60)
        second = http.post("/index")
        asked = http.post("/ask", json={"question": "pasukan tiba di pelabuhan"})
        health = http.get("/health").json()
        held.release.set()
        done = http.get(f"/index/{first['id']}", params={"wait": 60}).json()
    assert second.status_code == 409 and second.json()["exit_code"] == 6
    assert "being updated" in second.json()["error"]
    assert asked.status_code == 200  # answered while the update waits mid-embedding
    assert health["updating"] == first["id"]
    assert done["state"] == "done" and done["summary"]["added"] == 40


# -- the token -----------------------------------------------------------------------------


def test_a_non_loopback_address_needs_a_token(tmp_path):
    r = run_cli("serve", "--host", "0.0.0.0", "--index-dir", tmp_path / "ix", timeout=120)
    assert r.returncode == 2
    assert "binding 0.0.0.0 lets other machines in: give --token" in r.stderr
    assert "Traceback" not in r.stderr


def test_with_a_token_every_request_must_carry_it(tmp_path):
    ix = sample_hash_index(tmp_path)
    with running_server("--host", "0.0.0.0", "--index-dir", ix,
                        env={"ASSISTANT_TOKEN": "s3cret"}) as (url, _, _):
        with client(url) as anonymous, client(url, "wrong") as wrong, \
                client(url, "s3cret") as right:
            for http in (anonymous, wrong):
                for r in (http.get("/health"), http.post("/ask", json={"question": QUESTION}),
                          http.get("/articles"), http.get("/docs"), http.post("/index")):
                    assert r.status_code == 401, r.text
                    assert r.json()["error"].startswith("missing or wrong token")
                    assert r.headers["www-authenticate"] == "Bearer"
            assert right.get("/health").status_code == 200
            assert TROOPS in right.post("/ask", json={"question": QUESTION}).text


# -- ask --server ---------------------------------------------------------------------------


def test_ask_server_prints_what_a_local_ask_prints(sample):
    ix, url = sample
    for fmt in (["--json"], [], ["--format", "markdown"]):
        local = run_cli("ask", QUESTION, "-k", "3", *fmt, "--index-dir", ix)
        remote = run_cli("ask", QUESTION, "-k", "3", *fmt, "--server", url)
        assert remote.returncode == 0, remote.stderr
        assert remote.stdout == local.stdout


def test_ask_server_reads_piped_questions_and_follow_ups(sample):
    ix, url = sample
    stdin = f"{QUESTION}\ndan di mana mereka?\n\ndan di mana mereka?\n"
    local = run_cli("ask", "--json", "--follow-up", "--index-dir", ix, stdin=stdin)
    remote = run_cli("ask", "--json", "--follow-up", "--server", url, stdin=stdin)
    assert remote.returncode == 0, remote.stderr
    assert json_lines(remote.stdout) == json_lines(local.stdout)
    assert [r["context"] for r in json_lines(remote.stdout)] == [[], [QUESTION], []]


def test_ask_server_exits_as_a_local_ask_for_the_errors_the_server_reports(sample, tmp_path):
    _, url = sample
    empty = run_cli("ask", "  ", "--server", url)
    assert empty.returncode == 2 and "error: the question is empty" in empty.stderr
    batch = run_cli("ask", "--json", "--server", url, "-k", "1", stdin=f" \x07\n{QUESTION}\n")
    assert batch.returncode == 0
    assert [r.get("exit_code") for r in json_lines(batch.stdout)] == [2, None]
    with running_server("--index-dir", tmp_path / "none") as (no_index_url, _, _):
        r = run_cli("ask", QUESTION, "--server", no_index_url)
    assert r.returncode == 3 and "no index in" in r.stderr
    refused = run_cli("ask", QUESTION, "--server", url, "--index-dir", tmp_path)
    assert refused.returncode == 2 and "--index-dir cannot go with --server" in refused.stderr


def test_ask_server_without_the_token_is_a_usage_error(tmp_path):
    ix = sample_hash_index(tmp_path)
    with running_server("--index-dir", ix, "--token", "s3cret") as (url, _, _):
        missing = run_cli("ask", QUESTION, "--server", url)
        given = run_cli("ask", QUESTION, "--server", url, "--token", "s3cret")
        from_env = run_cli("ask", QUESTION, "--server", url, env={"ASSISTANT_TOKEN": "s3cret"})
    assert missing.returncode == 2 and "missing or wrong token" in missing.stderr
    assert given.returncode == 0 and TROOPS in given.stdout
    assert from_env.returncode == 0


def test_ask_server_that_cannot_be_reached_exits_12(tmp_path):
    from helpers.llm_server import free_port

    r = run_cli("ask", QUESTION, "--server", f"http://127.0.0.1:{free_port()}")
    assert r.returncode == 12
    assert "cannot reach the server at http://127.0.0.1:" in r.stderr
    assert "Traceback" not in r.stderr


# -- with an LLM ----------------------------------------------------------------------------


def test_with_an_llm_the_stream_sends_tokens_then_the_checked_answer(tmp_path):
    from helpers.llm_server import serve, stream

    ix = sample_hash_index(tmp_path)
    httpd, llm = serve()
    try:
        with running_server("--index-dir", ix, "--llm", llm.url, "--llm-timeout", "20") \
                as (url, _, _), client(url) as http:
            said = "Korea Utara mengirim 12,000 tentara ke Kursk [1]."
            llm.script(stream(said))
            with http.stream("POST", "/ask/stream", json={"question": QUESTION, "k": 3}) as r:
                events = _events(r.read().decode())
            llm.script(stream(said))
            whole = http.post("/ask", json={"question": QUESTION, "k": 3}).json()
    finally:
        llm.release.set()
        httpd.shutdown()
    kinds = [e for e, _ in events]
    assert kinds[0] == "result" and kinds[-1] == "generated"
    assert set(kinds[1:-1]) == {"token"} and len(kinds) > 3
    assert "generated" not in events[0][1]
    assert "".join(d["text"] for e, d in events if e == "token") == said
    final = events[-1][1]
    assert final["generated"]["sentences"][0]["supported"] is True
    assert {k: v for k, v in final.items() if k != "generated"} == events[0][1]
    whole["generated"].pop("timings")
    final["generated"].pop("timings")
    assert whole == final  # /ask gives the checked answer at once
