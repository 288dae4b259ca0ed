"""Reading .txt, .md, .html and .jsonl files, and odd bytes."""

import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assistant.ingest.documents import SkipFile, decode_bytes, parse_file


def parse(name: str, content: str | bytes):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return parse_file(Path("/articles") / name, data, 1000)


HTML = """<!doctype html><html><head><title>Site | Banjir Jakarta</title>
<meta property="og:title" content="Banjir melanda Jakarta">
<meta property="og:site_name" content="Contoh News">
<meta property="article:published_time" content="2024-02-03T08:00:00+07:00">
<style>p { color: red }</style><script>alert("x")</script></head>
<body><nav><a href="/">Home</a> Menu</nav>
<article><h1>Banjir melanda Jakarta</h1>
<p>Hujan deras sejak <b>Jumat</b> malam membuat banjir di 20 kelurahan.</p>
<p>Warga mengungsi ke masjid &amp; sekolah terdekat.<br>Bantuan datang pagi harinya.</p>
<script>var tracking = 1;</script>
</article><footer>Hak cipta</footer></body></html>"""


def test_html_keeps_paragraphs_and_drops_furniture():
    art = parse("banjir.html", HTML).articles[0]
    assert art.title == "Banjir melanda Jakarta"
    assert art.source == "Contoh News"
    assert art.date == "2024-02-03"
    assert art.text.split("\n\n") == [
        "Hujan deras sejak Jumat malam membuat banjir di 20 kelurahan.",
        "Warga mengungsi ke masjid & sekolah terdekat.",
        "Bantuan datang pagi harinya.",
    ]
    for junk in ("alert", "tracking", "color", "Home", "Hak cipta"):
        assert junk not in art.text


def test_markdown_front_matter_heading_and_links():
    md = ("---\ntitle: Election night\ndate: 2024-11-05\nsource: Example Wire\n---\n"
          "# Ignored because front matter has a title\n\n"
          "Polls closed at **8 pm** across the [state](http://x).\n"
          "Counting continued overnight.\n\n## Results\n\nThe incumbent won by 3 points.\n")
    art = parse("election.md", md).articles[0]
    assert (art.title, art.date, art.source) == ("Election night", "2024-11-05", "Example Wire")
    assert "Polls closed at 8 pm across the state." in art.text
    assert "http" not in art.text and "**" not in art.text


def test_markdown_h1_is_title():
    art = parse("a.md", "# Big news\n\nSomething happened in the city today, reportedly.\n").articles[0]
    assert art.title == "Big news"
    assert "Big news" not in art.text


def test_txt_hard_wrapped_lines_join_but_news_lines_stay_paragraphs():
    wrapped = ("The council met on Monday to discuss the\nnew budget, which includes funds for\n"
               "schools and roads.\n\nA second paragraph follows here.\n")
    art = parse("council.txt", wrapped).articles[0]
    assert art.text.split("\n\n")[0] == ("The council met on Monday to discuss the new budget, "
                                          "which includes funds for schools and roads.")
    lines = "First paragraph of news.\nSecond paragraph of news.\nThird one.\n"
    assert parse("n.txt", lines).articles[0].text.count("\n\n") == 2


def test_jsonl_lines_ids_metadata_and_bad_lines():
    lines = [
        json.dumps({"id": "a1", "title": "T1", "text": "Teks pertama yang cukup panjang.",
                    "date": "2024-01-02", "source": "S", "url": "http://u/1"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"id": 7, "text": "Artikel kedua tanpa judul. Kalimat kedua."}),
        json.dumps(["not", "an", "object"]),
        "",
    ]
    parsed = parse("feed.jsonl", "\n".join(lines))
    assert [a.id for a in parsed.articles] == ["a1", "7"]
    first, second = parsed.articles
    assert (first.title, first.date, first.source, first.url) == ("T1", "2024-01-02", "S", "http://u/1")
    assert first.key == "/articles/feed.jsonl/id=a1"
    assert second.title == "Artikel kedua tanpa judul"
    assert len(parsed.warnings) == 3
    assert parsed.warnings[0].startswith("/articles/feed.jsonl:2: skipped line: invalid JSON")
    assert ":3:" in parsed.warnings[1] and "text" in parsed.warnings[1]
    assert ":5:" in parsed.warnings[2]


def test_jsonl_line_without_id_is_keyed_by_line_number():
    parsed = parse("f.jsonl", json.dumps({"text": "Satu dua tiga empat lima."}))
    assert parsed.articles[0].key == "/articles/f.jsonl/line=1"


def test_decoding_fallbacks():
    assert decode_bytes("héllo".encode()) == "héllo"
    assert decode_bytes("\ufeffhi".encode("utf-8")) == "hi"
    assert decode_bytes("héllo".encode("cp1252")) == "héllo"
    assert decode_bytes("hé".encode("utf-16")) == "hé"
    with pytest.raises(SkipFile, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_unsupported_and_empty_files_are_skipped():
    with pytest.raises(SkipFile, match="unsupported"):
        parse("x.odt", b"PK\x03\x04")
    with pytest.raises(SkipFile, match="empty"):
        parse("x.txt", "")
    with pytest.raises(SkipFile, match="empty"):
        parse("x.txt", "Baca Juga: sesuatu\nSCROLL TO CONTINUE WITH CONTENT\n")


def test_control_characters_and_escapes_are_stripped():
    art = parse("evil.txt", "Judul\x1b]0;owned\x07 biasa \x1b[31mmerah\x1b[0m dan\x08 bel\x07.\n").articles[0]
    assert art.text == "Judul biasa merah dan bel."


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000),
       st.sampled_from(["a.txt", "a.md", "a.html", "a.jsonl", "a.pdf", "a.docx"]))
def test_ingestion_never_raises_on_arbitrary_bytes(data, name):
    try:
        parsed = parse(name, data)
    except SkipFile:
        return
    for art in parsed.articles:
        for p in art.passages:
            assert art.text[p.start:p.end] == p.text


word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéñ", min_size=3, max_size=10)
sentence = st.lists(word, min_size=3, max_size=15).map(lambda ws: " ".join(ws).capitalize() + ".")
prose = st.lists(st.lists(sentence, min_size=1, max_size=5).map(" ".join), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(prose, st.sampled_from(["a.txt", "a.md", "a.html"]))
def test_no_prose_is_lost(paragraphs, name):
    """Cleaning drops boilerplate only: every word of ordinary prose is kept,
    in order, in the article text and in its passages."""
    if name.endswith(".html"):
        # Text repeated on a page (a paragraph, or a sentence again on its
        # own) is furniture to trafilatura, so each sentence appears once.
        sentences = [s.rstrip(".") for p in paragraphs for s in p.split(". ")]
        assume(len(set(sentences)) == len(sentences))
        data = "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
    else:
        data = "\n\n".join(paragraphs) + "\n"
    art = parse(name, data).articles[0]
    words_in = " ".join(paragraphs).split()
    title_words = (art.title or "").split()
    body_words = art.text.split()
    # A first line may become the title instead of body text; nothing else moves.
    assert body_words == words_in or title_words + body_words == words_in \
        or body_words == words_in[len(title_words):]
    assert " ".join(p.text for p in art.passages).split() == body_words
