"""PDF and Word files: indexed through the real entry point, PDF citations name
their page, and files that cannot give text are skipped with their reason."""

from pathlib import Path

import pytest

from assistant.app.service import IndexRequest
from assistant.ingest.chunking import chunk_paragraphs
from assistant.ingest.documents import parse_file
from assistant.present.wording import citation_heading
from assistant.results import ArticleRef, Citation, Span

from helpers.common import as_older_schema, json_lines, run_cli, write
from helpers.documents import encrypt_pdf, make_docx, make_pdf

FLOOD = ["Banjir besar melanda Kota Semarang pada hari Senin.",
         "Sebanyak 4.500 warga mengungsi ke masjid dan sekolah."]
RICE = ["JAKARTA, KOMPAS.TV - Harga beras di pasar induk naik 10 persen pada Kamis (14/11/2024).",
        "Pedagang mengeluhkan sepinya pembeli sejak awal pekan."]


@pytest.fixture(scope="module")
def documents_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("documents")
    docs = root / "docs"
    docs.mkdir()
    (docs / "laporan-banjir.pdf").write_bytes(make_pdf([["Laporan Harian"], FLOOD, None]))
    make_docx(docs / "harga-beras.docx", "Harga Beras Naik", RICE,
              table=[["Kota", "Harga per kilo"], ["Jakarta", "Rp15.000"]])
    (docs / "scan.pdf").write_bytes(make_pdf([None, None]))
    (docs / "locked.pdf").write_bytes(encrypt_pdf(make_pdf([["Rahasia negara di halaman ini."]])))
    (docs / "broken.pdf").write_bytes(make_pdf([FLOOD])[:200])
    (docs / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    write(docs / "gempa.txt", "Gempa mengguncang Cianjur pada hari Senin pagi.\n")
    r = run_cli("index", docs, "--index-dir", root / "ix", "--model", "hash", "--json")
    assert r.returncode == 0, r.stderr
    return root / "ix", json_lines(r.stdout)[0]


def test_pdf_citation_names_its_page(documents_index):
    ix, _ = documents_index
    r = run_cli("ask", "berapa warga mengungsi dari banjir Semarang?", "--json", "-k", "1",
                "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    cited = json_lines(r.stdout)[0]["citations"][0]
    assert cited["article"]["path"].endswith("laporan-banjir.pdf")
    assert cited["page"] == 2
    assert "4.500 warga mengungsi" in cited["text"]
    r = run_cli("ask", "berapa warga mengungsi dari banjir Semarang?", "-k", "1", "--index-dir", ix)
    assert " · p. 2 ¶" in r.stdout


def test_docx_is_cited_with_its_heading_as_title_and_its_table(documents_index):
    ix, _ = documents_index
    r = run_cli("ask", "harga beras pasar induk naik berapa persen?", "--json", "-k", "1",
                "--index-dir", ix)
    cited = json_lines(r.stdout)[0]["citations"][0]
    assert cited["article"]["path"].endswith("harga-beras.docx")
    assert cited["article"]["title"] == "Harga Beras Naik"
    assert cited["article"]["date"] == "2024-11-14"
    assert cited["page"] is None
    r = run_cli("ask", "harga per kilo Jakarta Rp15.000", "--json", "-k", "1", "--index-dir", ix)
    assert "Jakarta | Rp15.000" in json_lines(r.stdout)[0]["citations"][0]["text"]


def test_pdfs_without_text_and_bad_files_are_skipped_with_reasons(documents_index):
    _, summary = documents_index
    reasons = {item["path"].rsplit("/", 1)[-1]: item["reason"] for item in summary["skipped"]}
    assert reasons["scan.pdf"].startswith("scanned PDF: no text layer")
    assert reasons["locked.pdf"].startswith("encrypted PDF")
    assert reasons["broken.pdf"].startswith("damaged PDF")
    assert reasons["broken.docx"].startswith("damaged Word file")
    assert summary["added"] == 3  # the run went on: the PDF, the Word file and the .txt


def test_skip_reasons_reach_stderr_and_the_index_keeps_working(documents_index, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "scan.pdf").write_bytes(make_pdf([None]))
    r = run_cli("index", docs, "--index-dir", tmp_path / "ix", "--model", "hash")
    assert r.returncode == 0
    assert "scan.pdf: scanned PDF: no text layer" in r.stderr


def test_a_pdf_with_an_empty_password_opens():
    data = encrypt_pdf(make_pdf([FLOOD]), password="")
    art = parse_file(Path("/d/open.pdf"), data, 1000).articles[0]
    assert [p.page for p in art.passages] == [1]


def test_huge_documents_are_skipped_and_the_run_goes_on(make_service, tmp_path, monkeypatch):
    import assistant.indexing.update as indexer

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "big.pdf").write_bytes(make_pdf([FLOOD * 50]))
    write(docs / "ok.txt", "Gempa mengguncang Cianjur pada hari Senin pagi.\n")
    monkeypatch.setattr(indexer, "MAX_DOCUMENT_FILE_BYTES", 2000)
    s = make_service().index(IndexRequest([str(docs)]))
    assert s.added == 1
    assert s.skipped[0].reason.startswith("too large for one pdf file")


def test_a_passage_never_spans_two_pages():
    # A short heading at the foot of page 1 would join the paragraph after it.
    text, passages = chunk_paragraphs(["Tail of page one.", "A paragraph of page two " * 4],
                                      pages=[1, 2])
    assert [(p.page, p.text[:4]) for p in passages] == [(1, "Tail"), (2, "A pa")]
    _, joined = chunk_paragraphs(["Tail of page one.", "A paragraph of page two " * 4])
    assert len(joined) == 1 and joined[0].page is None


def test_page_is_in_the_citation_heading():
    ref = ArticleRef("a1", "Laporan", "BNPB", "2025-01-02", None, "/d/l.pdf")
    c = Citation(1, 0.5, "x", 3, 0, 1, 9, Span(0, 1), ref, page=2)
    assert citation_heading(c) == "Laporan · BNPB, 2025-01-02 · p. 2 ¶3 · score 0.500"
    assert "p. " not in citation_heading(Citation(1, 0.5, "x", 3, 0, 1, 9, Span(0, 1), ref))


def test_a_schema_3_index_is_read_without_pages_and_migrated(tmp_path):
    """A schema-3 index (made here by taking the page column out of a new one)
    answers with page null, and the next update adds the column."""
    docs = tmp_path / "docs"
    write(docs / "gempa.txt", "Gempa mengguncang Cianjur pada hari Senin pagi.\n")
    ix = tmp_path / "ix"
    assert run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    as_older_schema(ix, 3, "page", "sentences")
    r = run_cli("ask", "gempa Cianjur", "--json", "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    assert json_lines(r.stdout)[0]["citations"][0]["page"] is None
    (docs / "banjir.pdf").write_bytes(make_pdf([None, FLOOD]))
    assert run_cli("index", docs, "--index-dir", ix, "-q").returncode == 0
    r = run_cli("ask", "berapa warga mengungsi dari banjir Semarang?", "--json", "-k", "1",
                "--index-dir", ix)
    assert json_lines(r.stdout)[0]["citations"][0]["page"] == 2
    assert run_cli("info", "--check", "--index-dir", ix).returncode == 0


async def test_a_pdf_citation_names_its_page_in_the_chat_and_the_article_view(tmp_path):
    from assistant.tui.screens import ArticleScreen
    from assistant.tui.widgets import CitationCard

    from helpers.tui import SIZE, ask, make_app, service, settle

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "laporan.pdf").write_bytes(make_pdf([["Laporan Harian"], FLOOD, None]))
    app = make_app(service(tmp_path / "ix", build_from=str(folder)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "berapa warga mengungsi dari banjir Semarang?")
        assert " · p. 2 ¶" in str(app.query(CitationCard).first().render())
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ArticleScreen)
        assert app.screen.sub_title == "[1] page 2"
