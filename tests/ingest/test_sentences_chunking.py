"""Sentence spans and passages: offsets always map back to the text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ingest.chunking import chunk_paragraphs
from assistant.text.sentences import sentence_spans, split_sentences


def test_numbers_and_abbreviations_do_not_split():
    text = ("Sebanyak 12.000 tentara dikirim pada 14/11/2024. Dr. Smith dan J. Doe setuju. "
            "Harga naik 1,5 persen! Benarkah? “Ya,” katanya.")
    assert split_sentences(text) == [
        "Sebanyak 12.000 tentara dikirim pada 14/11/2024.",
        "Dr. Smith dan J. Doe setuju.",
        "Harga naik 1,5 persen!",
        "Benarkah?",
        "“Ya,” katanya.",
    ]


def test_closing_quote_stays_with_its_sentence():
    text = "“Ini serius,” tulis Borrell. “UE jelas tak lahir sebagai aliansi militer.” Dia pergi."
    assert split_sentences(text)[1] == "“UE jelas tak lahir sebagai aliansi militer.”"


def test_short_paragraphs_merge_and_long_ones_split():
    paras = ["Heading", "A" * 80 + ".", "Kalimat satu panjang sekali. " * 30, "Akhir."]
    text, passages = chunk_paragraphs(paras, max_chars=300, min_chars=60)
    assert passages[0].text.startswith("Heading\n\n")  # the heading joined its paragraph
    assert passages[0].paragraph == 1
    long_parts = [p for p in passages if p.paragraph == 3]
    assert len(long_parts) > 1 and all(len(p.text) <= 300 for p in long_parts)
    assert all(p.text.endswith(".") for p in long_parts)  # cut on sentence boundaries
    assert passages[-1].text.endswith("Akhir.")  # a short tail joins what precedes it
    for p in passages:
        assert text[p.start:p.end] == p.text
    assert [p.ordinal for p in passages] == list(range(len(passages)))


def test_overlong_sentence_is_cut_at_whitespace():
    word = "kata "
    text, passages = chunk_paragraphs([word * 500], max_chars=200)
    assert all(len(p.text) <= 200 for p in passages)
    assert "".join(p.text.replace(" ", "") for p in passages) == text.replace(" ", "")


paragraph = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
    min_size=0, max_size=400,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(paragraph, max_size=12), st.integers(50, 600), st.integers(0, 80))
def test_passages_are_exact_spans_and_lose_nothing(paras, max_chars, min_chars):
    text, passages = chunk_paragraphs(paras, max_chars=max_chars, min_chars=min_chars)
    covered = []
    last_end = 0
    for p in passages:
        assert text[p.start:p.end] == p.text
        assert p.start >= last_end
        assert len(p.text) <= max_chars
        covered.append(p.text)
        last_end = p.end
    # Every non-space character of the text is in some passage.
    assert "".join("".join(covered).split()) == "".join(text.split())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_sentence_spans_cover_all_nonspace(text):
    spans = sentence_spans(text)
    pos = 0
    for a, b in spans:
        assert pos <= a < b <= len(text)
        pos = b
    assert "".join("".join(text[a:b] for a, b in spans).split()) == "".join(text.split())


def test_a_paragraph_break_ends_a_sentence():
    # A short heading joined to the paragraph after it is a sentence of its own.
    text = "Petani ditangkap\n\nPolres menangkap tiga petani. Mereka ditahan."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Petani ditangkap", "Polres menangkap tiga petani.", "Mereka ditahan."]
