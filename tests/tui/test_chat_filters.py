"""The chat's filter line: /source, /since, /until and /filter in the question box."""

import json

from assistant.tui.widgets import AnswerCard, CitationCard, Note, QuestionInput, QuestionView

from helpers.common import write
from helpers.tui import ask, make_app, service, settle

FEED = [
    {"id": "antara-1", "source": "ANTARA", "date": "2024-01-05",
     "text": "Banjir besar merendam kota Padang. Ribuan warga mengungsi ke masjid."},
    {"id": "antara-2", "source": "ANTARA", "date": "2024-01-06",
     "text": "Banjir besar di kota Padang surut. Warga kembali ke rumah."},
    {"id": "reuters-1", "source": "Reuters", "date": "2024-11-10",
     "text": "Hujan deras membuat banjir kecil di kota Solok. Puluhan warga mengungsi."},
]


def feed_service(tmp_path):
    docs = write(tmp_path / "docs" / "feed.jsonl", "".join(json.dumps(x) + "\n" for x in FEED))
    return service(tmp_path / "ix", build_from=str(docs.parent))


def cited_sources(app) -> list[str]:
    card = app.query(AnswerCard).last()
    return [c.citation.article.source for c in card.query(CitationCard)]


async def test_the_filter_line_sets_shows_keeps_and_clears_the_filter(tmp_path):
    app = make_app(feed_service(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bar = app.query_one("#filters")
        assert not bar.display
        await ask(pilot, "banjir besar kota Padang")
        assert cited_sources(app)[0] == "ANTARA"

        await ask(pilot, "/source reuters")
        assert bar.display and "source reuters" in str(bar.content)
        assert "Filter set: source reuters" in str(app.query(Note).last().content)
        assert len(app.query(QuestionView)) == 1  # a filter line is not a question
        await ask(pilot, "banjir besar kota Padang")
        assert set(cited_sources(app)) == {"Reuters"}
        assert "only articles with source reuters" in str(
            app.query(AnswerCard).last().query_one(".context").content)
        await ask(pilot, "dan berapa warga mengungsi?")  # a follow-up keeps the filter
        assert app.query(AnswerCard).last().result.context
        assert set(cited_sources(app)) == {"Reuters"}

        await ask(pilot, "/since 2024-12-01")  # no Reuters story that late: not found
        assert "source reuters, since 2024-12-01" in str(bar.content)
        await ask(pilot, "banjir besar kota Padang")
        card = app.query(AnswerCard).last()
        assert "not-found" in card.classes and not card.query(CitationCard)

        await ask(pilot, "/filter clear")
        assert not bar.display
        await ask(pilot, "banjir besar kota Padang")
        assert cited_sources(app)[0] == "ANTARA"


async def test_a_bad_filter_line_says_why_and_keeps_the_filter(tmp_path):
    app = make_app(feed_service(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await ask(pilot, "/since 7d")
        await ask(pilot, "/until 2024-13-01")
        note = app.query(Note).last()
        assert "error" in note.classes
        assert "/until must be a date" in str(note.content) and "/filter clear" in str(note.content)
        assert app.filters.since is not None and app.filters.until is None
        await ask(pilot, "/sorce reuters")
        assert "unknown command /sorce" in str(app.query(Note).last().content)


async def test_the_palette_command_starts_a_filter_line(tmp_path):
    app = make_app(feed_service(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_start_filter()
        await pilot.pause()
        box = app.query_one(QuestionInput)
        assert box.value == "/source " and app.focused is box
