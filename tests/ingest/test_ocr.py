"""OCR of pages without a text layer and of images, through the real CLI and the
real Tesseract (Debian's tesseract-ocr + tesseract-ocr-ind; `.ci/run` installs
them, and these tests are skipped with a warning where it could not)."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from assistant.ingest.documents import parse_file
from assistant.ingest.ocr import INSTALL, reflow

from helpers.common import as_older_schema, json_lines, run_cli, write
from helpers.documents import make_pdf

PARAGRAPH = ("Pemerintah Kabupaten Sleman membangun jembatan baru di atas Kali Code. "
             "Jembatan sepanjang 48 meter itu menghabiskan dana Rp 12 miliar dan dibuka "
             "untuk umum pada hari Senin.")
QUESTION = "Berapa panjang jembatan baru di atas Kali Code?"
OTHER = ("Harga cabai rawit di Pasar Induk Kramat Jati naik menjadi Rp 80.000 per kilogram "
         "pada pekan ini karena hujan deras merusak panen di Jawa Barat.")

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed (see .ci/run)")


def scan(path: Path, text: str = PARAGRAPH) -> Path:
    """``text`` drawn as a picture (no text layer), saved as ``path`` (.pdf or .png)."""
    from PIL import Image, ImageDraw, ImageFont

    font_file = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    font = (ImageFont.truetype(str(font_file), 40) if font_file.exists()
            else ImageFont.load_default(size=40))
    words, lines, line = text.split(), [], ""
    for word in words:  # wrap at about 60 characters
        if len(line) + len(word) > 60:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    image = Image.new("L", (1700, 2200), 255)
    ImageDraw.Draw(image).multiline_text((120, 160), "\n".join(lines), fill=0, font=font,
                                         spacing=18)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, resolution=200.0) if path.suffix == ".pdf" else image.save(path)
    return path


@pytest.fixture(scope="module")
def ocr_index(tmp_path_factory):
    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed (see .ci/run)")
    root = tmp_path_factory.mktemp("ocr")
    scan(root / "pdf" / "jembatan.pdf")
    scan(root / "png" / "jembatan.png")
    for folder in ("pdf", "png"):
        write(root / folder / "cabai.txt", OTHER + "\n")
    summaries = {}
    for folder in ("pdf", "png"):
        r = run_cli("index", root / folder, "--index-dir", root / f"ix-{folder}", "--json")
        assert r.returncode == 0, r.stderr
        summaries[folder] = json.loads(r.stdout)
    return root, summaries


@needs_tesseract
@pytest.mark.parametrize("folder", ["pdf", "png"])
def test_a_scanned_page_is_read_by_ocr_and_answers_at_1(ocr_index, folder):
    root, summaries = ocr_index
    assert summaries[folder]["added"] == 2 and not summaries[folder]["skipped"]
    r = run_cli("ask", QUESTION, "--json", "--index-dir", root / f"ix-{folder}")
    assert r.returncode == 0, r.stderr
    first = json_lines(r.stdout)[0]["citations"][0]
    assert first["article"]["path"].endswith(f"jembatan.{folder}")
    assert "48 meter" in first["text"]
    assert first["page"] == 1 and first["ocr"] is True
    r = run_cli("ask", QUESTION, "--index-dir", root / f"ix-{folder}")
    assert "p. 1 (OCR) ¶" in r.stdout
    r = run_cli("ask", "cabai rawit", "--json", "--index-dir", root / f"ix-{folder}")
    cited = json_lines(r.stdout)[0]["citations"][0]
    assert "ocr" not in cited and cited["page"] is None  # other JSON stays as it was


@needs_tesseract
def test_an_older_index_opens_and_updates_without_a_rebuild(tmp_path):
    docs = write(tmp_path / "docs" / "cabai.txt", OTHER + "\n").parent
    ix = tmp_path / "ix"
    assert run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    as_older_schema(ix, 5, "ocr")
    assert run_cli("ask", "cabai", "--index-dir", ix).returncode == 0
    scan(docs / "jembatan.png")
    r = run_cli("index", docs, "--index-dir", ix, "-q")
    assert r.returncode == 0, r.stderr
    conn = sqlite3.connect(ix / "index.sqlite3")
    assert conn.execute("SELECT value FROM manifest WHERE key='schema_version'").fetchone() == ("6",)
    assert conn.execute("SELECT count(*) FROM passages WHERE ocr = 1").fetchone()[0] >= 1
    conn.close()


def test_without_tesseract_the_page_is_skipped_with_what_to_install(tmp_path):
    docs = tmp_path / "docs"
    scan(docs / "jembatan.pdf")
    scan(docs / "jembatan.png")
    (docs / "mixed.pdf").write_bytes(make_pdf([[OTHER], None]))
    empty = tmp_path / "bin"
    empty.mkdir()  # a PATH without tesseract
    r = run_cli("index", docs, "--index-dir", tmp_path / "ix", "--model", "hash", "--json",
                env={"PATH": str(empty)})
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    reasons = {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in summary["skipped"]}
    assert reasons["jembatan.pdf"].startswith("scanned PDF: no text layer")
    assert INSTALL in reasons["jembatan.pdf"] and INSTALL in reasons["jembatan.png"]
    assert summary["added"] == 1  # the mixed PDF's text page
    assert any("mixed.pdf" in w and INSTALL in w for w in summary["warnings"])


@needs_tesseract
def test_a_pdf_mixes_text_pages_and_scanned_ones(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(scan(tmp_path / "s.pdf")))
    text_page = tmp_path / "t.pdf"
    text_page.write_bytes(make_pdf([[OTHER]]))
    writer.merge(0, PdfReader(text_page))  # page 1 text, page 2 the scan
    out = tmp_path / "both.pdf"
    with out.open("wb") as f:
        writer.write(f)
    art = parse_file(out, out.read_bytes(), 1000).articles[0]
    assert {(p.page, p.ocr) for p in art.passages} == {(1, False), (2, True)}
    assert any("48 meter" in p.text for p in art.passages if p.page == 2)


def test_reflow_joins_lines_into_paragraphs():
    assert reflow("Satu baris\nyang ber-\nlanjut.\n\nParagraf dua.\n\f") == \
        "Satu baris yang berlanjut.\n\nParagraf dua."
