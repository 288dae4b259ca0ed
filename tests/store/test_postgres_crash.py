"""The Postgres store survives SIGKILL at any moment, and readers keep
answering from one committed state while an update runs (as
tests/store/test_crash_safety.py checks for the local store)."""

import json
import random
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from helpers.common import json_lines, run_cli
from helpers.corpus import make_corpus, mutate_corpus

pytestmark = pytest.mark.slow


def index_cmd(docs, url):
    import os

    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1"}
    return [sys.executable, "-m", "assistant", "index", str(docs), "--store", url,
            "--model", "hash", "-q"], env


def articles_in(url) -> int:
    r = run_cli("info", "--json", "--check", "--store", url)
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["problems"] == []
    return info["articles"]


def update_holds_the_lock(probe: psycopg.Connection) -> bool:
    """Whether an update holds the database's writer lock right now."""
    return probe.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())").fetchone()[0] > 0


def start_update(cmd, env, probe) -> subprocess.Popen:
    """Start an update; return once it holds the writer lock or has ended."""
    proc = subprocess.Popen(cmd, env=env)
    while proc.poll() is None and not update_holds_the_lock(probe):
        time.sleep(0.005)  # no event to wait for: the lock is taken silently
    return proc


def test_sigkill_of_index_on_postgres_never_breaks_the_index(tmp_path, pg_url):
    rng = random.Random(20261126)
    docs = tmp_path / "docs"
    make_corpus(docs, 200, rng)
    cmd, env = index_cmd(docs, pg_url)
    assert subprocess.run(cmd, env=env).returncode == 0
    files = 200
    probe = psycopg.connect(pg_url, autocommit=True)

    def mutate(round_):
        return mutate_corpus(docs, rng, round_)

    files += mutate("ukur")
    proc = start_update(cmd, env, probe)
    started = time.perf_counter()
    assert proc.wait() == 0
    window = time.perf_counter() - started
    kills = missed = 0
    for round_ in range(10):
        delay = rng.uniform(0, 0.9 * window) if round_ % 2 else rng.uniform(0.6, 0.9) * window
        for attempt in range(8):
            before = articles_in(pg_url)
            files += mutate(f"{round_}-{attempt}")
            proc = start_update(cmd, env, probe)
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
            landed = proc.wait() == -signal.SIGKILL
            after = articles_in(pg_url)  # the old state or the new one, never a mix
            assert after in (before, files), (round_, before, after, files)
            r = run_cli("ask", "banjir warga kota", "--json", "--store", pg_url)
            assert r.returncode == 0, r.stderr
            assert json_lines(r.stdout)[0]["citations"]
            if landed:
                kills += 1
                break
            assert after == files
            missed += 1
            delay /= 4
    probe.close()
    assert kills == 10, f"only {kills} of 10 kills landed inside an update ({missed} missed)"
    # The server dropped each killed writer's lock: the next update runs and completes.
    assert subprocess.run(cmd, env=env, timeout=300).returncode == 0
    assert articles_in(pg_url) == len(list(docs.glob("*.txt"))) == files


def test_readers_of_postgres_see_one_state_per_answer_during_an_update(tmp_path, pg_url):
    rng = random.Random(7)
    docs = tmp_path / "docs"
    make_corpus(docs, 300, rng, tag="kodeversi VERSIA")
    cmd, env = index_cmd(docs, pg_url)
    assert subprocess.run(cmd, env=env).returncode == 0
    for p in docs.glob("*.txt"):  # every article changes version in one update
        p.write_text(p.read_text().replace("VERSIA", "VERSIB"))
    reader = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "--json", "-k", "10", "--store", pg_url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env)

    def ask_once() -> set[str]:
        reader.stdin.write("kodeversi banjir warga\n")
        reader.stdin.flush()
        out = json.loads(reader.stdout.readline())
        versions = {v for c in out["citations"] for v in ("VERSIA", "VERSIB") if v in c["text"]}
        assert len(versions) == 1, out  # never a mix of two states
        return versions

    seen = [ask_once()]
    writer = subprocess.Popen(cmd, env=env)
    while writer.poll() is None:
        seen.append(ask_once())
    assert writer.wait() == 0
    seen.append(ask_once())
    reader.stdin.close()
    assert reader.wait(timeout=60) == 0, reader.stderr.read()
    assert seen[0] == {"VERSIA"} and seen[-1] == {"VERSIB"}
    print(f"{len(seen)} answers during the update")
