"""OpenMP settings reach the embedding engine's runtime before it loads, and a
user's own settings win (assistant/threads.py)."""

import os
import re
import subprocess
import sys

from assistant.threads import DEFAULTS, configure_openmp

from conftest import REPO


def test_defaults_fill_in_only_what_the_user_left_unset():
    env = {"OMP_NUM_THREADS": "3"}
    configure_openmp(env)
    assert env == {"OMP_NUM_THREADS": "3", **DEFAULTS}
    mine = {name: "mine" for name in DEFAULTS}
    configure_openmp(mine)
    assert mine == {name: "mine" for name in DEFAULTS}
    kept: dict[str, str] = {"ASSISTANT_THREADS": "keep"}
    configure_openmp(kept)
    assert kept == {"ASSISTANT_THREADS": "keep"}


def runtime_settings(tmp_path, **env) -> dict[str, str]:
    """What the OpenMP runtime of a real `assistant ask` (bundled model) read
    when it loaded, as it reports it with OMP_DISPLAY_ENV=verbose."""
    from conftest import run_cli

    ix = tmp_path / "ix"
    if not ix.exists():
        r = run_cli("index", REPO / "sample_articles" / "kompastv-2024-11-14-china-korea-utara.txt",
                    "--index-dir", ix, "-q")
        assert r.returncode == 0, r.stderr
    # This test process has applied the defaults to its own environment: start clean.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("OMP_", "GOMP_", "ASSISTANT_THREADS"))}
    r = subprocess.run([sys.executable, "-m", "assistant", "ask", "troops", "--json",
                        "--index-dir", str(ix)], capture_output=True, text=True, cwd=REPO,
                       env={**clean, "ASSISTANT_SAMPLE_DIR": "none", "OMP_DISPLAY_ENV": "verbose",
                            **env})
    assert r.returncode == 0, r.stderr
    return dict(re.findall(r"^\s*(\w+) = '([^']*)'", r.stderr, flags=re.M))


def test_the_engine_runtime_starts_with_the_defaults(tmp_path):
    shown = runtime_settings(tmp_path)
    assert shown["OMP_WAIT_POLICY"] == "PASSIVE" and shown["GOMP_SPINCOUNT"] == "0"


def test_the_users_own_openmp_settings_win(tmp_path):
    shown = runtime_settings(tmp_path, OMP_WAIT_POLICY="ACTIVE", OMP_NUM_THREADS="1")
    assert shown["OMP_WAIT_POLICY"] == "ACTIVE" and shown["OMP_NUM_THREADS"] == "1"
    # ASSISTANT_THREADS=keep: OpenMP's own defaults (threads that spin a while).
    assert runtime_settings(tmp_path, ASSISTANT_THREADS="keep")["GOMP_SPINCOUNT"] != "0"
