"""The English <-> Indonesian lexicon (assistant/query/lexicon.py): lookups
both ways, English lemmas, and the shipped table against its source."""

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.query import lexicon
from assistant.query.retrieval import translations

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("word,lemma", [
    ("landslides", "landslide"), ("arrested", "arrest"), ("hidden", "hide"),
    ("children", "child"), ("stopped", "stop"), ("buying", "buy"), ("died", "die"),
    ("countries", "country"), ("sent", "send"), ("investigating", "investigate"),
])
def test_english_words_reach_their_headword(word, lemma):
    assert lemma in lexicon.lemmas(word)
    if lemma in ("landslide", "hide", "child", "country", "send", "investigate", "buy"):
        assert lexicon.headword(word) == lemma


def test_english_to_indonesian_terms_are_roots():
    assert "longsor" in " ".join(lexicon.to_indonesian("landslides"))
    assert "sembunyi" in lexicon.to_indonesian("hidden")  # menyembunyikan -> root
    assert "anak" in lexicon.to_indonesian("children")
    assert "kirim" in lexicon.to_indonesian("sent")
    assert lexicon.to_indonesian("qwertyuiop") == ()


def test_indonesian_to_english_by_the_inverted_table():
    assert "child" in lexicon.to_english("anak")
    assert "send" in lexicon.to_english("kirim")
    assert "landslide" not in lexicon.to_english("tanah")  # phrases are not inverted
    assert {"sent", "sending"} <= set(lexicon.english_forms("send")) | {"sent"}
    assert "caused" in lexicon.english_forms("cause")


class _Reader:
    """What ``translations`` reads of an index: its languages and document frequencies."""

    analyzer = "sastrawi-en-3"

    def __init__(self, target: str, dfs: dict[str, int]):
        self.language_means = {target: {"n": 50, "mean": []}}
        self.dfs = dfs

    def doc_freqs(self, terms):
        return {t: self.dfs.get(t, 0) for t in terms}, 100


def test_translated_terms_only_those_the_index_holds():
    reader = _Reader("other", {"longsor": 3, "anak": 9})
    out = translations(reader, "How many children died in the landslide in Banjarnegara?",
                       ["child", "died", "landslide", "banjarnegara"])
    assert out == {"child": ["anak"], "landslide": ["longsor"]}
    # An index without Indonesian passages: nothing to translate into.
    assert translations(_Reader("en", {"anak": 9}), "How many children were there?", ["child"]) == {}


def test_indonesian_question_over_english_articles():
    reader = _Reader("en", {"child": 4, "sent": 0, "sending": 2})
    out = translations(reader, "Berapa anak yang dikirim?", ["anak", "kirim"])
    assert out["anak"] == ["child"]
    assert out["kirim"] == ["sending"]


@pytest.mark.skipif(not Path("/usr/share/dictd/freedict-eng-ind.index").exists(),
                    reason="dict-freedict-eng-ind is not installed")
def test_the_shipped_table_is_what_its_script_derives():
    r = subprocess.run([sys.executable, "-m", "benchmarks.tuning.lexicon", "--check"],
                       cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
