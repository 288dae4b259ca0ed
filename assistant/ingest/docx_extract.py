"""The text of a Word (.docx) file with python-docx (imported only when a .docx is read)."""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from assistant.ingest.skip import SkipFile

# A .docx is a zip: its parts are read into memory, so what they unpack to is
# bounded, not only the file's size (a small zip can unpack to gigabytes). The
# XML is parsed into a tree of about 20 times its size, so it has a lower limit
# (10 million characters of text, the most an article may have, fit in it).
MAX_UNPACKED_BYTES = 200_000_000
MAX_XML_BYTES = 25_000_000
_CHUNK = 1 << 20
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
    _check_unpacked(data)
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


def _check_unpacked(data: bytes) -> None:
    """Inflate every part, counting the bytes it really gives (a zip header may
    understate them) and stopping at the limit, so nothing big is ever held."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise SkipFile(f"damaged Word file ({type(e).__name__}: {str(e)[:120]})") from None
    total = xml = 0
    for info in infos:
        left = min(MAX_UNPACKED_BYTES - total, MAX_XML_BYTES - xml if _is_xml(info) else
                   MAX_UNPACKED_BYTES)
        size = _inflated_size(data, info, left)
        total += size
        xml += size if _is_xml(info) else 0
        if size > left or total > MAX_UNPACKED_BYTES:
            limit = MAX_XML_BYTES if _is_xml(info) else MAX_UNPACKED_BYTES
            raise SkipFile(f"too large once unpacked: {info.filename} inflates past the "
                           f"{limit / 1e6:.0f} MB limit (its zip header says "
                           f"{info.file_size / 1e6:.1f} MB)")


def _is_xml(info: zipfile.ZipInfo) -> bool:
    return info.filename.lower().endswith((".xml", ".rels"))


def _inflated_size(data: bytes, info: zipfile.ZipInfo, limit: int) -> int:
    """What ``info``'s data inflates to, read from its local header on, up to
    ``limit`` + 1 bytes (more is not counted)."""
    at = info.header_offset
    if data[at:at + 4] != b"PK\x03\x04":
        raise SkipFile(f"damaged Word file (no local header for {info.filename[:80]})")
    name_len, extra_len = struct.unpack("<HH", data[at + 26:at + 30])
    start = at + 30 + name_len + extra_len
    raw = memoryview(data)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return len(raw)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise SkipFile(f"damaged Word file (unsupported compression in {info.filename[:80]})")
    inflate, size = zlib.decompressobj(-15), 0
    try:
        for i in range(0, len(raw), _CHUNK):
            pending = bytes(raw[i:i + _CHUNK])
            while pending and size <= limit:
                size += len(inflate.decompress(pending, _CHUNK))
                pending = inflate.unconsumed_tail
            if size > limit or inflate.eof:
                break
        if size <= limit and not inflate.eof:
            size += len(inflate.flush())
    except zlib.error as e:
        raise SkipFile(f"damaged Word file ({info.filename[:80]}: {e})") from None
    return size


def _row_text(row: Any) -> str:  # a python-docx table row
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(cell.text.split())
        if text and (not cells or cells[-1] != text):  # a merged cell comes once per column
            cells.append(text)
    return " | ".join(cells)
