"""The stemmer's fast path gives exactly what Sastrawi gives."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.keywords import _sastrawi, stem
from assistant.textutil import fold, words
from conftest import SAMPLE_DIR


def sastrawi(word: str) -> str:
    return word if not word.isalpha() else (_sastrawi()(word) or word)


def test_fast_path_matches_sastrawi_on_real_words():
    vocab = set()
    for path in SAMPLE_DIR.glob("*.*"):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            text = " ".join(json.loads(line)["text"] for line in text.splitlines())
        vocab |= {fold(w) for w in words(text)}
    vocab |= set("how many troops were sent where who is the nato chief kinerja gemula "
                 "minister premanisme rasis dikirimkan berapa mengungkapkan".split())
    assert len(vocab) > 1500
    assert [w for w in sorted(vocab) if stem(w) != sastrawi(w)] == []


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="abcdeghijklmnoprstuwyz", min_size=1, max_size=12))
def test_fast_path_matches_sastrawi_on_any_latin_word(word):
    assert stem(word) == sastrawi(word)


def test_sentence_terms_sliced_from_the_stored_body_equal_a_fresh_analysis():
    from assistant.answers import _sentence_terms
    from assistant.ingest.sentences import sentence_spans
    from assistant.keywords import analyze, fts_body

    text = SAMPLE_DIR.joinpath("kompastv-2024-11-14-china-korea-utara.txt").read_text("utf-8")
    spans = sentence_spans(text)
    assert len(spans) > 5
    fresh = [analyze(text[a:b]) for a, b in spans]
    assert _sentence_terms(text, spans, fts_body(text), "sastrawi-1") == fresh
    assert _sentence_terms(text, spans, "out of step", "sastrawi-1") == fresh  # falls back
