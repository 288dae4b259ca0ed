"""The text of a Word (.docx) file with python-docx (imported only when a .docx is read)."""

import io
import zipfile
from dataclasses import dataclass

from assistant.ingest.skip import SkipFile

# A .docx is a zip: its parts are read into memory, so what they unpack to is
# bounded, not only the file's size (a small zip can unpack to gigabytes).
MAX_UNPACKED_BYTES = 200_000_000
# An encrypted .docx (and an old binary .doc renamed) is an OLE compound file.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MISSING = "Word support is not installed: pip install 'assistant[documents]'"


@dataclass
class DocxText:
    title: str | None
    paragraphs: list[str]  # headings, paragraphs and table rows, in document order


def extract_docx(data: bytes) -> DocxText:
    """Paragraphs, headings and table rows in order; the title from the core
    properties, else the first heading (which then leaves the text)."""
    if data.startswith(_OLE_MAGIC):
        raise SkipFile("encrypted or old-format Word file (save it as an unprotected .docx to "
                       "index it)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise SkipFile(f"damaged Word file ({type(e).__name__}: {str(e)[:120]})") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SkipFile(f"too large once unpacked: {unpacked / 1e6:.0f} MB (the limit is "
                       f"{MAX_UNPACKED_BYTES / 1e6:.0f} MB)")
    try:
        from docx import Document
    except ImportError:
        raise SkipFile(MISSING) from None
    try:
        doc = Document(io.BytesIO(data))
        title = (doc.core_properties.title or "").strip() or None
        blocks = list(doc.iter_inner_content())
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds on damage
        raise SkipFile(f"damaged Word file ({type(e).__name__}: {str(e)[:120]})") from None
    paragraphs: list[str] = []
    for block in blocks:
        if hasattr(block, "rows"):  # a table: one paragraph a row, its cells in order
            paragraphs += [row for row in (_row_text(r) for r in block.rows) if row]
            continue
        text = block.text.strip()
        if not text:
            continue
        style = (getattr(block.style, "name", "") or "").lower()
        if title is None and not paragraphs and style.startswith(("heading", "title")):
            title = text
            continue
        paragraphs.append(text)
    return DocxText(title, paragraphs)


def _row_text(row) -> str:
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(cell.text.split())
        if text and (not cells or cells[-1] != text):  # a merged cell comes once per column
            cells.append(text)
    return " | ".join(cells)
