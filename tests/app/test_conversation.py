"""Follow-up questions: recognised in the core, searched with the turn before."""

import sqlite3

import pytest

from assistant.app.conversation import MAX_CONTEXT_QUESTIONS, Conversation, is_follow_up
from assistant.app.service import IndexRequest
from assistant.results import AskResult

from helpers.common import SAMPLE_ARTICLE, TROOPS, json_lines, run_cli


@pytest.mark.parametrize("question", [
    "and where were they sent?", "And when?", "what about China?", "who leads them?",
    "why?", "dan ke mana mereka dikirim?", "lalu kapan?", "siapa pemimpinnya?",
    "bagaimana dengan China?", "where is it?",
])
def test_follow_ups_are_recognised(question):
    assert is_follow_up(question)


@pytest.mark.parametrize("question", [
    "how many troops were sent to Kursk?", "who is the NATO secretary general?",
    "berapa tentara Korea Utara yang dikirim ke Rusia?", "kapan hubungan diplomatik dimulai?",
    "siapa yang hanya datang ke Latvia?",  # "hanya" ends in -nya but points nowhere
])
def test_standalone_questions_are_not_follow_ups(question):
    assert not is_follow_up(question)


class RecordingService:
    def __init__(self):
        self.calls = []

    def ask(self, question, context=None, **options):
        self.calls.append((question, list(context or [])))
        return AskResult(question=question, found=False, answer=None, citations=[],
                         mode="hybrid", context=list(context or []))


def test_context_is_the_previous_turn_and_is_bounded():
    svc = RecordingService()
    chat = Conversation(svc)
    chat.ask("how many troops were sent?")
    chat.ask("and where?")
    chat.ask("and when?")
    chat.ask("and why?")
    assert svc.calls[0][1] == []
    assert svc.calls[1][1] == ["how many troops were sent?"]
    assert svc.calls[2][1] == ["how many troops were sent?", "and where?"]
    assert len(svc.calls[3][1]) == MAX_CONTEXT_QUESTIONS
    chat.ask("who is the NATO secretary general?")  # a new topic is searched alone
    assert svc.calls[4][1] == []
    chat.reset()
    chat.ask("and where?")
    assert svc.calls[5][1] == []


def test_service_searches_a_follow_up_with_its_context(make_service):
    svc = make_service()
    svc.index(IndexRequest([str(SAMPLE_ARTICLE)]))
    alone = svc.ask("lalu ke mana?")
    assert TROOPS not in alone.citations[0].text and alone.context == []
    chat = svc.conversation()
    chat.ask("berapa tentara Korea Utara dikirimkan")
    follow = chat.ask("lalu ke mana?")
    assert follow.question == "lalu ke mana?"
    assert follow.context == ["berapa tentara Korea Utara dikirimkan"]
    assert TROOPS in follow.citations[0].text
    a = follow.answer
    assert a.text[a.span.start:a.span.end] == "Kursk"  # typed by the follow-up itself


def test_cli_follow_up_flag_keeps_context_and_blank_line_resets(tmp_path):
    ix = tmp_path / "ix"
    assert run_cli("index", SAMPLE_ARTICLE, "--index-dir", ix, "--model", "hash-64",
                   "-q").returncode == 0
    stdin = "berapa tentara Korea Utara dikirimkan\nlalu ke mana?\n\nlalu ke mana?\n"
    r = run_cli("ask", "--follow-up", "--json", "--index-dir", ix, stdin=stdin)
    assert r.returncode == 0, r.stderr
    out = json_lines(r.stdout)
    assert [o["context"] for o in out] == [[], ["berapa tentara Korea Utara dikirimkan"], []]
    assert TROOPS in out[1]["citations"][0]["text"]
    assert TROOPS not in out[2]["citations"][0]["text"]
    plain = run_cli("ask", "--json", "--index-dir", ix, stdin=stdin)  # without the flag
    assert [o["context"] for o in json_lines(plain.stdout)] == [[], [], []]


def test_sentence_vectors_are_remembered_between_questions(make_service, embedder, tmp_path):
    from helpers.common import write

    doc = write(tmp_path / "docs" / "a.txt",
                "Banjir merendam kota Semarang. Ribuan warga mengungsi ke masjid. Hujan turun "
                "sejak Jumat malam.\n\nGempa mengguncang Cianjur. Ratusan rumah rusak berat.\n")
    svc = make_service()
    svc.index(IndexRequest([str(doc)]))
    # Passages indexed before sentence vectors were stored (schema 4) have none:
    # their sentences are embedded when cited, and remembered.
    conn = sqlite3.connect(tmp_path / "index" / "index.sqlite3")
    conn.execute("UPDATE passages SET sentences = NULL")
    conn.commit()
    conn.close()
    before = embedder.passages_embedded
    first = svc.ask("berapa warga mengungsi karena banjir")
    embedded = embedder.passages_embedded
    assert embedded > before  # sentences of multi-sentence passages were embedded
    again = svc.ask("banjir membuat warga mengungsi ke mana")
    assert embedder.passages_embedded == embedded  # same passages: no new sentence embeddings
    assert again.answer.text == first.answer.text


def test_a_follow_up_on_news_keeps_the_topic(make_service, tmp_path):
    """"and until when?" after a toll-road question stays on that toll road,
    although another toll road's story also says until when."""
    from helpers.common import write

    write(tmp_path / "news" / "jogja-bawen.txt",
          "Yogyakarta-Bawen toll section opens\n\n"
          "SLEMAN, KOMPAS.com - The new Yogyakarta-Bawen toll section, 13.7 kilometres long, "
          "opened to traffic on 1 December 2025 and is free of charge until 31 December 2025.\n")
    write(tmp_path / "news" / "cisumdawu.txt",
          "Cisumdawu toll road fare\n\n"
          "SUMEDANG, KOMPAS.com - The Cisumdawu toll road will charge a fare from next month.\n\n"
          "Its discount runs until 15 March 2026, when the new fare applies.\n")
    svc = make_service()
    svc.index(IndexRequest([str(tmp_path / "news")]))
    chat = svc.conversation()
    chat.ask("How long is the new Yogyakarta-Bawen toll section?")
    r = chat.ask("and until when?")
    assert r.context == ["How long is the new Yogyakarta-Bawen toll section?"]
    assert "Yogyakarta-Bawen" in r.citations[0].article.title
    a = r.answer
    assert a is not None and r.citations[a.citation - 1].article.title == r.citations[0].article.title
    assert a.text[a.span.start:a.span.end] == "31 December 2025"  # not the opening day
