"""The index survives SIGKILL at any moment, and readers keep answering from a
consistent snapshot while an update runs. Real processes, real signals."""

import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from assistant.config.own_files import LOCK_NAME
from assistant.errors import ExitCode
from assistant.store.local.files import exclusive_lock

from helpers.common import json_lines, run_cli
from helpers.corpus import make_corpus, mutate_corpus

pytestmark = pytest.mark.slow


def index_cmd(docs, ix):
    env = {**os.environ, "ASSISTANT_SAMPLE_DIR": "none", "NO_COLOR": "1"}
    return [sys.executable, "-m", "assistant", "index", str(docs), "--index-dir", str(ix),
            "--model", "hash", "-q"], env


def articles_in(ix) -> int:
    r = run_cli("info", "--json", "--check", "--index-dir", ix)
    assert r.returncode == 0, r.stderr  # --check: every vector has its row and back
    info = json.loads(r.stdout)
    assert info["problems"] == []
    return info["articles"]


def update_holds_the_lock(ix) -> bool:
    """Whether an update holds the index's writer lock right now."""
    fd = os.open(ix / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the lock if this probe took it
    return False


def start_update(cmd, env, ix) -> subprocess.Popen:
    """Start an update; return once it is inside the update (it holds the writer
    lock) or has already ended. Python's start-up is not part of the update."""
    proc = subprocess.Popen(cmd, env=env)
    while proc.poll() is None and not update_holds_the_lock(ix):
        time.sleep(0.002)  # no event to wait for: the lock is taken silently
    return proc


def test_sigkill_at_random_moments_never_breaks_the_index(tmp_path):
    rng = random.Random(20261125)
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    make_corpus(docs, 300, rng)
    cmd, env = index_cmd(docs, ix)
    assert subprocess.run(cmd, env=env).returncode == 0
    files = 300

    def mutate(round_):
        return mutate_corpus(docs, rng, round_)

    # How long such an update runs once it holds the lock: the window the kills fall in.
    files += mutate("ukur")
    proc = start_update(cmd, env, ix)
    started = time.perf_counter()
    assert proc.wait() == 0
    window = time.perf_counter() - started
    kills = missed = 0
    for round_ in range(20):
        # Half the kills anywhere in the update, half late, where the commit happens.
        delay = rng.uniform(0, 0.9 * window) if round_ % 2 else rng.uniform(0.6, 0.9) * window
        for attempt in range(8):
            before = articles_in(ix)
            files += mutate(f"{round_}-{attempt}")
            proc = start_update(cmd, env, ix)
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
            landed = proc.wait() == -signal.SIGKILL
            # The old state or the new one, never a mix: answers and a full check.
            after = articles_in(ix)
            assert after in (before, files), (round_, before, after, files)
            r = run_cli("ask", "banjir warga kota", "--json", "--index-dir", ix)
            assert r.returncode == 0, r.stderr
            assert json_lines(r.stdout)[0]["citations"]
            if landed:
                kills += 1
                break
            # The update ended before the kill (a slow moment of the machine, or
            # a fast one): try again, killing sooner.
            assert after == files
            missed += 1
            delay /= 4
    assert kills == 20, f"only {kills} of 20 kills landed inside an update ({missed} missed)"
    print(f"survived {kills} SIGKILLs inside updates ({missed} came too late and were retried)")
    # The next update completes what the killed ones started.
    assert subprocess.run(cmd, env=env).returncode == 0
    assert articles_in(ix) == len(list(docs.glob("*.txt"))) == files
    leftovers = [p.name for p in ix.iterdir() if ".tmp-" in p.name]
    assert leftovers == []


def test_readers_see_a_consistent_snapshot_while_an_update_runs(tmp_path):
    rng = random.Random(7)
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    make_corpus(docs, 400, rng, tag="kodeversi VERSIA")
    cmd, env = index_cmd(docs, ix)
    assert subprocess.run(cmd, env=env).returncode == 0
    for p in docs.glob("*.txt"):  # every article changes version in one update
        p.write_text(p.read_text().replace("VERSIA", "VERSIB"))
    reader = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "--json", "-k", "10", "--index-dir", str(ix)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env)

    def ask_once() -> set[str]:
        reader.stdin.write("kodeversi banjir warga\n")
        reader.stdin.flush()
        out = json.loads(reader.stdout.readline())
        versions = {v for c in out["citations"] for v in ("VERSIA", "VERSIB") if v in c["text"]}
        assert len(versions) == 1, out  # never a mix of two generations
        return versions

    seen = [ask_once()]
    writer = subprocess.Popen(cmd, env=env)
    one_shot = []
    while writer.poll() is None:
        seen.append(ask_once())
        if len(one_shot) < 3:  # fresh processes too, opening the index mid-update
            r = run_cli("ask", "kodeversi banjir warga", "--json", "-k", "10", "--index-dir", ix)
            assert r.returncode == 0, r.stderr
            one_shot.append(r)
    assert writer.wait() == 0
    seen.append(ask_once())
    reader.stdin.close()
    assert reader.wait(timeout=60) == 0, reader.stderr.read()
    assert seen[0] == {"VERSIA"} and seen[-1] == {"VERSIB"}
    for r in one_shot:
        cites = json_lines(r.stdout)[0]["citations"]
        assert len({("VERSIA" in c["text"]) for c in cites}) == 1


def test_a_second_update_waits_or_says_the_index_is_busy(tmp_path):
    rng = random.Random(3)
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    make_corpus(docs, 200, rng)
    cmd, env = index_cmd(docs, ix)
    ix.mkdir()
    # This test holds the writer lock, as a running update would, for as long as it likes.
    with exclusive_lock(str(ix / LOCK_NAME)):
        busy = run_cli("index", docs, "--index-dir", ix, "--model", "hash", "--no-wait")
        second = subprocess.Popen(cmd[:-1], env=env, stderr=subprocess.PIPE, text=True)
        said = second.stderr.readline()  # returns once the second update says it waits
        assert "waiting" in said and second.poll() is None, said
    assert busy.returncode == ExitCode.INDEX_BUSY
    assert "being updated" in busy.stderr and "Traceback" not in busy.stderr
    assert second.wait() == 0, second.stderr.read()
    assert articles_in(ix) == 200


KILL_AT = """
import os, signal, sys
import assistant.store.local.writer as writer_mod
from assistant.cli.main import main

target_module, name = sys.argv[1].rsplit(".", 1)
module = {"vectors": writer_mod.vec, "database": writer_mod.db}[target_module]
original = getattr(module, name)

def then_die(*args, **kwargs):
    original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

setattr(module, name, then_die)
main(sys.argv[2:])
"""


@pytest.mark.parametrize("moment", [
    "vectors.save_index",  # new vector file written, database not yet committed
    "database.write_manifest",  # rows and manifest written inside the open transaction
])
def test_sigkill_at_the_critical_moments_of_a_commit(tmp_path, moment):
    rng = random.Random(11)
    docs, ix = tmp_path / "docs", tmp_path / "ix"
    make_corpus(docs, 30, rng)
    cmd, env = index_cmd(docs, ix)
    assert subprocess.run(cmd, env=env).returncode == 0
    make_corpus(docs, 40, rng, tag="baru")  # 30 changed, 10 new
    r = subprocess.run([sys.executable, "-c", KILL_AT, moment, *cmd[3:]], env=env)
    assert r.returncode == -signal.SIGKILL
    assert articles_in(ix) == 30  # the old state, whole
    r = run_cli("ask", "banjir warga", "--json", "--index-dir", ix)
    assert r.returncode == 0 and json_lines(r.stdout)[0]["citations"]
    assert "baru" not in r.stdout
    assert subprocess.run(cmd, env=env).returncode == 0  # the next update completes it
    assert articles_in(ix) == 40
