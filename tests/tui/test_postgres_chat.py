"""The chat over the Postgres store: a question, a follow-up and an update
(ctrl+r) work as over a local index."""

from assistant.app.service import Assistant, IndexRequest
from assistant.app.settings import Settings
from assistant.embedders.hashing import HashEmbedder
from assistant.tui.widgets import AnswerCard, CitationCard

from helpers.common import TROOPS, write
from helpers.tui import SIZE, TROOPS_QUESTION, ask, corpus, make_app, settle


async def test_the_chat_answers_and_updates_from_postgres(tmp_path, pg_url):
    svc = Assistant(Settings(index_dir=str(tmp_path / "local"), store=pg_url, sample_dir="none"),
                    embedder=HashEmbedder(dim=64))
    folder = corpus(tmp_path)
    svc.index(IndexRequest([folder]))
    app = make_app(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, TROOPS_QUESTION)
        first = app.query(AnswerCard).last().query(CitationCard).first()
        assert TROOPS in first.content.plain
        await ask(pilot, "and where were they sent?")  # a follow-up, searched with the turn before
        assert "Kursk" in app.query(AnswerCard).last().query(CitationCard).first().content.plain
        write(tmp_path / "articles" / "banjir.txt",
              "Banjir merendam Kota Lamaran.\n\nSebanyak 512 rumah warga terendam banjir.\n")
        await pilot.press("ctrl+r")  # the update runs against the database
        await settle(pilot)
        await ask(pilot, "berapa rumah terendam banjir di Lamaran?")
        assert "512 rumah" in app.query(AnswerCard).last().query(CitationCard).first().content.plain
    assert svc.info().articles == 3
    svc.close()
