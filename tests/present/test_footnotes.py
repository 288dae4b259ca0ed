"""Answers as Markdown with footnotes (the OpenAI face, MCP): markers as
footnote references, also when a marker arrives split across stream pieces."""

from assistant.app.conversation import context_of
from assistant.present.footnotes import MarkerStream, footnote_markers


def test_markers_become_footnote_references():
    assert footnote_markers("12.000 tentara [1][2]. Lain [x] [1000]") == \
        "12.000 tentara [^1][^2]. Lain [x] [1000]"


def test_a_marker_split_across_pieces_is_held_until_it_closes():
    m = MarkerStream()
    pieces = ["Korea [", "1", "] ke [2][3", "] dan [a] [12"]
    out = [m.feed(p) for p in pieces]
    assert out[0] == "Korea " and out[1] == ""
    assert "".join(out) + m.flush() == "Korea [^1] ke [^2][^3] dan [a] [12"


def test_context_of_a_whole_chat_is_what_a_conversation_gives():
    first = "berapa tentara Korea Utara dikirimkan ke Kursk"
    assert context_of([first]) == []
    assert context_of([first, "dan di mana mereka membantu?"]) == [first]
    assert context_of([first, "siapa Sekjen NATO yang berkunjung ke Latvia?"]) == []
    assert context_of([first, "dan mereka?", "lalu mereka?", "dan itu?"]) == \
        ["dan mereka?", "lalu mereka?"]
