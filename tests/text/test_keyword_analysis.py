"""Keyword analysis: the Sastrawi fast path, and English plurals."""

import functools
import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant.text.analysis import analyze, english_stem, is_english, query_terms, stem
from assistant.text.normalize import fold, words

from helpers.common import SAMPLE_DIR


@functools.cache
def sastrawis_own():
    """Sastrawi as its factory builds it: the reference for our faster build."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer().stem


def sastrawi(word: str) -> str:
    return word if not re.fullmatch("[a-z]+", word) else (sastrawis_own()(word) or word)


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



def test_root_words_searched_in_the_text_are_sastrawis_dictionary():
    # The binary search needs the word file sorted, one word a line; each
    # word, and strings next to one, must be found exactly as a set finds them.
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from assistant.text.analysis import _root_word_text, _RootWords

    listed = StemmerFactory().get_words_from_file()
    assert listed == sorted(listed) and all(w.strip() == w != "" for w in listed)
    reference = frozenset(listed)
    roots = _RootWords(_root_word_text())
    probes = set(listed) | {"", "a", "zzzz", "aaa", " aba", "aba\nabad"}
    for w in listed[::7]:
        probes |= {w[:-1], w + "a", "a" + w, w + "-" + w, w.upper()}
    assert [w for w in sorted(probes) if roots._search(w) != (w in reference)] == []
    assert not roots.contains(None)  # a prefix rule that does not apply asks for None


def test_root_words_go_into_a_set_after_many_lookups():
    from assistant.text.analysis import _root_word_text, _RootWords

    text = _root_word_text()
    roots = _RootWords(text)
    for _ in range(_RootWords.SET_AFTER // 2):  # two lookups a round
        assert roots.contains("abad") and not roots.contains("abadx")
    assert roots._words is None
    assert roots.contains("abad") and not roots.contains("abadx") and not roots.contains(None)
    assert roots._words is not None and roots.count() == len(text.split("\n"))


def test_sentence_terms_sliced_from_the_stored_body_equal_a_fresh_analysis():
    from assistant.query.answers import _sentence_terms
    from assistant.text.analysis import analyze, fts_body
    from assistant.text.sentences import sentence_spans

    text = SAMPLE_DIR.joinpath("kompastv-2024-11-14-china-korea-utara.txt").read_text("utf-8")
    spans = sentence_spans(text)
    assert len(spans) > 5
    fresh = [analyze(text[a:b]) for a, b in spans]
    assert _sentence_terms(text, spans, fts_body(text), "sastrawi-1") == fresh
    assert _sentence_terms(text, spans, "out of step", "sastrawi-1") == fresh  # falls back


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(codec="utf-8", categories=("L", "M", "N", "P", "Zs")), max_size=60))
@example("ﹰ")  # a compatibility form that decomposes to a space and a mark
@example("aﹰb ﹰ x")
def test_stored_terms_line_up_with_the_words_of_any_text(text):
    # Answers slice a passage's stored terms sentence by sentence; a term that
    # breaks apart ("København" -> "k benhavn") put them out of step, and every
    # such passage was analysed again, loading the stemmer in a cold ask.
    from assistant.text.analysis import fts_body, own_terms
    from assistant.text.normalize import word_starts

    assert len(own_terms(fts_body(text))) == len(word_starts(text))


def test_words_with_letters_beyond_a_to_z_stay_whole():
    assert analyze("København adalah ibu kota") == ["københavn", "adalah", "ibu", "kota"]
    assert analyze("/ˈɡrɛnɪdʒ/ GREN-idge")[0] == "ˈɡrɛnɪdʒ"
    # An index written before keeps its own terms until an update re-derives them.
    assert analyze("København adalah ibu kota", "sastrawi-en-2")[0] == "k benhavn"


@pytest.mark.parametrize("word,root", [
    ("troops", "troop"), ("countries", "country"), ("churches", "church"), ("boxes", "box"),
    ("classes", "class"), ("horses", "horse"), ("governments", "government"),
    # not plurals, or too short to tell: unchanged
    ("status", "status"), ("analysis", "analysis"), ("news", "news"), ("series", "series"),
    ("politics", "politics"), ("gas", "gas"), ("is", "is"), ("rutte", "rutte"), ("sent", "sent"),
    ("covid19s", "covid19s"),
])
def test_english_plurals_fold_to_the_singular(word, root):
    assert english_stem(word) == root


def test_english_is_told_from_indonesian_by_function_words():
    assert is_english("how many troops were sent to the border".split())
    assert not is_english("berapa tentara yang dikirimkan ke perbatasan".split())
    assert not is_english("troops sent kursk".split())  # no function words: not enough to tell
    # A name or two in English does not make Indonesian text English.
    assert not is_english("sekjen nato mark rutte mengatakan bahwa the hague dan the guardian "
                          "melaporkan hal itu pada hari kamis di brussel belgia".split())


def test_english_text_and_question_meet_on_the_singular():
    body = analyze("The two countries sent their troops to the border.")
    assert "country" in body and "troop" in body
    assert len(body) == 9  # still one term per word: answer sentences slice it
    assert query_terms("which countries sent their troops?") == ["country", "sent", "troop"]
    # Indonesian text keeps its Sastrawi roots, untouched by English rules.
    assert analyze("Harga beras naik, tentara dikirimkan.") == ["harga", "beras", "naik", "tentara", "kirim"]


def test_capitalised_english_words_are_names_and_keep_their_s():
    # Indonesian text writes "Roberts" and "Wales" as they are: an English
    # question must not cut them to "robert" and "wale".
    assert query_terms("What did Justice Roberts say about the Falklands islands?") == [
        "justice", "roberts", "say", "falklands", "island"]
    assert analyze("The Jones family moved to Wales with their dogs.") == [
        "the", "jones", "family", "moved", "to", "wales", "with", "their", "dog"]


def test_an_index_from_the_older_analyzer_keeps_its_own_terms():
    # Readers of an index written by "sastrawi-1" analyse questions the same way.
    assert query_terms("how many troops were sent?", "sastrawi-1") == ["troops", "sent"]
    assert query_terms("how many troops were sent?") == ["troop", "sent"]
