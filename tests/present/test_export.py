"""Exports: the chat's transcript holds every citation of the session (on
ctrl+s, on quit, to --transcript FILE), `c` copies one answer with its
citations, and `ask --format markdown` prints the same Markdown."""

import json
import shutil

import pytest

from assistant.present.transcript import turn_markdown
from assistant.results import AskResult
from assistant.tui.widgets import CitationCard

from helpers.common import SAMPLE_ARTICLE, json_lines, run_cli, write
from helpers.terminal import Terminal, needs_tmux
from helpers.tui import SIZE, TROOPS_QUESTION, ask, make_app, service, settle

URL = "https://example.org/berita/banjir-sorong"


def _articles(root):
    """The sample article (a .txt: a path, no URL) and a feed article with a URL."""
    folder = root / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    write(folder / "feed.jsonl", json.dumps({
        "id": "sorong-1", "title": "Banjir di Sorong", "source": "Kabar Timur",
        "date": "2024-11-18", "url": URL,
        "text": "Banjir merendam 300 rumah di Sorong pada Senin.\n\nPasukan tentara dikirim "
                "ke Sorong untuk membantu warga."}) + "\n")
    return folder


def assert_every_citation_in(markdown: str, results: list[AskResult]) -> None:
    """Each citation's title, source, date, paragraph, and path or URL."""
    cited = [c for r in results for c in r.citations]
    assert cited
    for c in cited:
        a = c.article
        heading = next(line for line in markdown.splitlines()
                       if line.startswith(f"[{c.n}] {a.title} · {a.source}, {a.date} · "
                                          f"¶{c.paragraph} · "))
        assert heading
        assert f"`{a.path}`" in markdown
        if a.url:
            assert f"<{a.url}>" in markdown
        assert "> " + c.text.split("\n")[0] in markdown


def test_ask_format_markdown_holds_every_citation(tmp_path):
    folder = _articles(tmp_path)
    ix = tmp_path / "ix"
    assert run_cli("index", folder, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    questions = "berapa tentara dikirim ke Kursk\nbanjir di Sorong merendam berapa rumah\n"
    md = run_cli("ask", "--format", "markdown", "--index-dir", ix, stdin=questions)
    js = run_cli("ask", "--json", "--index-dir", ix, stdin=questions)
    assert md.returncode == 0, md.stderr
    results = [AskResult.from_json(d) for d in json_lines(js.stdout)]
    assert_every_citation_in(md.stdout, results)
    assert URL in md.stdout
    assert md.stdout == "\n".join(turn_markdown(r.question, r) for r in results)
    both = run_cli("ask", "x", "--json", "--format", "markdown", "--index-dir", ix)
    assert both.returncode == 2 and "--json and --format markdown disagree" in both.stderr


def test_json_round_trips_through_the_typed_result(tmp_path):
    """`ask --server` reads the server's JSON back into the result it prints."""
    folder = _articles(tmp_path)
    ix = tmp_path / "ix"
    assert run_cli("index", folder, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    js = run_cli("ask", "banjir di Sorong", "--json", "--index-dir", ix)
    data = json.loads(js.stdout)
    assert AskResult.from_json(data).to_json() == data


async def test_transcript_holds_every_citation_on_ctrl_s_and_on_quit(tmp_path):
    svc = service(tmp_path / "ix", build_from=str(_articles(tmp_path)))
    app = make_app(svc)
    app.transcript_dir = str(tmp_path / "ix")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, TROOPS_QUESTION)
        await ask(pilot, "banjir di Sorong merendam berapa rumah")
        await pilot.press("ctrl+s")
        await pilot.pause()
        path = app.transcript_path
        assert path and path.startswith(str(tmp_path / "ix" / "transcripts"))
        assert any(f"Chat saved to {path}" in str(n.message) for n in app._notifications)
        saved = open(path, encoding="utf-8").read()
        assert_every_citation_in(saved, [r for _, r, _ in app.transcript])
        await ask(pilot, "pasukan dikirim ke mana")
        await pilot.press("ctrl+q")
    results = [r for _, r, _ in app.transcript]
    assert len(results) == 3
    assert app.transcript_path == path  # the same file, brought up to date
    final = open(path, encoding="utf-8").read()
    assert_every_citation_in(final, results)
    assert "## pasukan dikirim ke mana" in final
    assert len(list((tmp_path / "ix" / "transcripts").glob("*.md"))) == 1


async def test_ctrl_s_before_any_question_says_there_is_nothing(tmp_path):
    svc = service(tmp_path / "ix", build_from=str(_articles(tmp_path)))
    app = make_app(svc)
    app.transcript_dir = str(tmp_path / "ix")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Nothing to save yet" in str(n.message) for n in app._notifications)
    assert not (tmp_path / "ix" / "transcripts").exists()


async def test_transcript_file_is_written_on_quit(tmp_path):
    svc = service(tmp_path / "ix", build_from=str(_articles(tmp_path)))
    app = make_app(svc)
    app.transcript_dir = str(tmp_path / "ix")
    app.transcript_file = str(tmp_path / "out" / "chat.md")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, TROOPS_QUESTION)
        await pilot.press("ctrl+q")
    text = (tmp_path / "out" / "chat.md").read_text(encoding="utf-8")
    assert_every_citation_in(text, [r for _, r, _ in app.transcript])
    assert not (tmp_path / "ix" / "transcripts").exists()


async def test_c_on_a_citation_copies_its_answer_with_every_citation(tmp_path):
    svc = service(tmp_path / "ix", build_from=str(_articles(tmp_path)))
    app = make_app(svc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, TROOPS_QUESTION)
        await ask(pilot, "banjir di Sorong merendam berapa rumah")
        await pilot.press("tab")  # the last answer's citations
        await pilot.press("down")
        assert isinstance(app.focused, CitationCard)
        await pilot.press("c")
        await pilot.pause()
        last = app.transcript[-1][1]
        assert app.clipboard == turn_markdown(last.question, last)
        assert_every_citation_in(app.clipboard, [last])
        assert TROOPS_QUESTION not in app.clipboard  # one answer, not the chat
        assert any(f"with its {len(last.citations)} citations" in str(n.message)
                   for n in app._notifications)


@needs_tmux
@pytest.mark.slow
def test_chat_transcript_option_writes_the_file_on_quit(tmp_path):
    folder = _articles(tmp_path)
    ix = tmp_path / "ix"
    assert run_cli("index", folder, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    out = tmp_path / "chat.md"
    term = Terminal(["chat", "--index-dir", ix, "--transcript", out], cwd=tmp_path)
    try:
        term.wait_text("passages")
        term.type("banjir di Sorong merendam berapa rumah")
        term.send("Enter")
        term.wait_for(lambda s: "Kabar Timur" in s, "the answer")
        term.send("C-q")
        term.wait_text("[exited] 0")
    finally:
        term.close()
    text = out.read_text(encoding="utf-8")
    assert "## banjir di Sorong merendam berapa rumah" in text and f"<{URL}>" in text
