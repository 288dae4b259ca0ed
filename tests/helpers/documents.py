"""Small PDF and Word files for the tests, made here rather than stored."""

from pathlib import Path


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str] | None], title: str | None = None) -> bytes:
    """A minimal PDF: one page per entry, each line of an entry's text drawn in
    Helvetica; None is a page with no text layer (as a scan's)."""
    objects: list[bytes] = []  # object n + 1

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    pages_id = len(objects) + 1 + 2 * len(pages)  # after each page and its content
    kids = []
    for lines in pages:
        ops = ["BT /F1 11 Tf 14 TL 50 780 Td"]
        for line in lines or []:
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                        % (pages_id, font, content)))
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title (%s) >>" % _escape(title).encode("latin-1")) if title else None
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def encrypt_pdf(data: bytes, password: str = "secret") -> bytes:
    """The same PDF, encrypted with a user password (RC4: needs no crypto library)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(path: Path, heading: str | None, paragraphs: list[str],
              table: list[list[str]] | None = None, title: str | None = None) -> Path:
    """A Word file: a heading, paragraphs, then a table (rows of cells)."""
    from docx import Document

    doc = Document()
    if title:
        doc.core_properties.title = title
    if heading:
        doc.add_heading(heading, level=1)
    for p in paragraphs:
        doc.add_paragraph(p)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def make_flate_bomb_pdf(inflated_mb: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_mb`` MB."""
    import zlib

    pack = zlib.compressobj(9)
    chunk = b"0 0 m " * (1_000_000 // 6)  # ~1 MB
    body = b"".join(pack.compress(chunk) for _ in range(inflated_mb)) + pack.flush()
    objects = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(body), body),
               b"<< /Type /Page /Parent 4 0 R /MediaBox [0 0 595 842] "
               b"/Resources << /Font << /F1 1 0 R >> >> /Contents 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Catalog /Pages 4 0 R >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, obj)
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 6 /Root 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def make_docx_bomb(path: Path, inflated_mb: int, understate: bool = False) -> Path:
    """A Word file whose word/document.xml inflates to ``inflated_mb`` MB of text;
    ``understate``: its zip headers say the part is 1 kB."""
    import struct
    import zipfile

    small = make_docx(path.with_suffix(".small.docx"), None, ["Lead paragraph."])
    run = b"<w:p><w:r><w:t>" + b"banjir " * 140_000 + b"</w:t></w:r></w:p>"  # ~1 MB
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info.filename, src.read(info))
                continue
            head, _, tail = src.read(info).partition(b"<w:body>")
            with dst.open("word/document.xml", "w", force_zip64=False) as f:
                f.write(head + b"<w:body>")
                for _ in range(inflated_mb):
                    f.write(run)
                f.write(tail)
    small.unlink()
    if understate:
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("word/document.xml")
        struct.pack_into("<I", data, info.header_offset + 22, 1000)
        name = b"word/document.xml"
        at = data.find(b"PK\x01\x02")
        while at != -1:
            n = struct.unpack_from("<H", data, at + 28)[0]
            if bytes(data[at + 46:at + 46 + n]) == name:
                struct.pack_into("<I", data, at + 24, 1000)
            at = data.find(b"PK\x01\x02", at + 4)
        path.write_bytes(bytes(data))
    return path
