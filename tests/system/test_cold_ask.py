"""The first question of a process: the model loads while the index opens,
and nothing the question does not need is imported."""

import subprocess
import sys
import threading

import pytest

import assistant.app.service as service_module
from assistant.app.service import Assistant
from assistant.app.settings import Settings
from assistant.errors import AssistantError, NoIndexError

from helpers.common import REPO, SAMPLE_ARTICLE, TROOPS, run_cli, sample_hash_index


@pytest.fixture(scope="module")
def hash_index(tmp_path_factory):
    return sample_hash_index(tmp_path_factory.mktemp("cold"))


def fresh(ix) -> Assistant:
    """A service as a new `assistant ask` process has it: nothing loaded yet."""
    return Assistant(Settings(index_dir=str(ix), sample_dir="none"))


def test_the_model_loads_in_another_thread_while_the_index_opens(hash_index, monkeypatch):
    threads = []
    real = service_module.load_embedder

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(service_module, "load_embedder", recording)
    cold = fresh(hash_index).ask("berapa tentara Korea Utara dikirimkan ke Kursk?")
    assert threads and threads[0] is not threading.main_thread()
    warm_service = fresh(hash_index)
    warm_service.load_model()
    warm = warm_service.ask("berapa tentara Korea Utara dikirimkan ke Kursk?")
    assert cold.to_json() == warm.to_json()
    assert TROOPS in cold.citations[0].text


def test_a_model_that_fails_to_load_fails_the_question(hash_index, monkeypatch):
    def failing(*args, **kwargs):
        raise AssistantError("the model cannot be loaded")

    monkeypatch.setattr(service_module, "load_embedder", failing)
    with pytest.raises(AssistantError, match="cannot be loaded"):
        fresh(hash_index).ask("berapa tentara Korea Utara dikirimkan ke Kursk?")


def test_a_missing_index_is_reported_before_any_model_loads(tmp_path, monkeypatch):
    monkeypatch.setattr(service_module, "load_embedder", lambda *a, **k: pytest.fail("loaded"))
    with pytest.raises(NoIndexError):
        fresh(tmp_path / "nothing").ask("berapa tentara Korea Utara dikirimkan ke Kursk?")


def test_a_cold_ask_imports_no_module_it_does_not_use(tmp_path):
    # Each cost a cold `ask` milliseconds for nothing: the TOML parser without a
    # config file, importlib.resources (with tempfile, shutil, bz2, lzma) for a
    # file that only old indexes read, hashlib for hashes only the indexer takes.
    # (With no config file named, platformdirs, which loads tempfile, looks for one.)
    unused = ("tomllib", "importlib.resources", "tempfile", "hashlib")
    r = run_cli("index", SAMPLE_ARTICLE, "--index-dir", tmp_path / "ix", "-q")  # e5: no hashlib
    assert r.returncode == 0, r.stderr
    probe = ("import sys\nfrom assistant.cli.main import main\n"
             "try:\n"
             f"    main(['ask', 'how many troops were sent?', '--json', '--index-dir', "
             f"{str(tmp_path / 'ix')!r}])\n"
             "except SystemExit:\n    pass\n"
             f"print('LOADED=' + ','.join(m for m in {unused!r} if m in sys.modules), "
             "file=sys.stderr)\n")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO,
                       env={**__import__("os").environ, "ASSISTANT_CONFIG": "none"})
    line = [ln for ln in r.stderr.splitlines() if ln.startswith("LOADED=")][-1]
    assert line == "LOADED="


def test_a_cold_indonesian_ask_looks_up_sastrawis_root_words_without_a_set(hash_index):
    # Splitting and hashing Sastrawi's 30,000 root words cost a cold Indonesian
    # question 5 ms, a third of the stemmer's load; the few words it stems are
    # looked up in the sorted word file instead (keywords._RootWords).
    probe = ("import sys\nfrom assistant.cli.main import main\n"
             "try:\n"
             f"    main(['ask', 'berapa tentara Korea Utara dikirimkan ke Kursk?', '--json', "
             f"'--index-dir', {str(hash_index)!r}])\n"
             "except SystemExit:\n    pass\n"
             "from assistant.text import analysis as keywords\n"
             "loaded = keywords._sastrawi.cache_info().currsize\n"
             "roots = keywords._sastrawi().__self__.dictionary\n"
             "print(f'LOADED={loaded} SET={roots._words is not None}', file=sys.stderr)\n")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO,
                       env={**__import__("os").environ, "ASSISTANT_CONFIG": "none",
                            "ASSISTANT_SAMPLE_DIR": "none"})
    assert TROOPS in r.stdout
    assert [ln for ln in r.stderr.splitlines() if ln.startswith("LOADED=")] == ["LOADED=1 SET=False"]
