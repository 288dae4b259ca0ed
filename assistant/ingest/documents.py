"""Read one file into articles: .txt, .md, .html/.htm, .pdf, .docx, .jsonl (one
article per line)."""

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.ingest.chunking import PARAGRAPH_SEPARATOR, Passage, chunk_paragraphs
from assistant.ingest.cleaning import clean_paragraphs, split_paragraphs
from assistant.ingest.docx_extract import extract_docx
from assistant.ingest.html_extract import extract_html
from assistant.ingest.metadata import (
    article_date,
    find_source,
    looks_like_heading,
    parse_date,
    split_header,
    title_from_filename,
)
from assistant.ingest.pdf_extract import extract_pdf
from assistant.ingest.skip import SkipFile
from assistant.text.normalize import normalize
from assistant.text.sentences import split_sentences

SUPPORTED_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown",
                      ".html": "html", ".htm": "html", ".jsonl": "jsonl",
                      ".pdf": "pdf", ".docx": "docx",
                      # Images, read by OCR (ingest/ocr.py, which loads only for them).
                      ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image",
                      ".tiff": "image"}


@dataclass
class Article:
    key: str  # unique within the index: the path, or path#id for a .jsonl line
    id: str  # the id shown to users and scripts
    path: str
    title: str | None
    source: str | None
    date: str | None  # ISO YYYY-MM-DD
    url: str | None
    text: str  # cleaned text; passages are spans of it
    passages: list[Passage]
    content_hash: str = ""
    text_hash: str = ""  # of ``text`` alone; set by the indexer

    def __post_init__(self) -> None:
        if not self.content_hash:
            h = hashlib.sha256()
            for part in (self.text, self.title, self.source, self.date, self.url, self.id):
                h.update((part or "").encode("utf-8", "surrogatepass") + b"\x00")
            self.content_hash = h.hexdigest()


@dataclass
class ParsedFile:
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. bad .jsonl lines


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM allowed) or UTF-16 with a BOM; otherwise Windows-1252, whose few
    undefined bytes become U+FFFD. Binary data is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    head = data[:8192]
    if b"\x00" in head:
        raise SkipFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text[:8192]) * 0.05:
        raise SkipFile("binary file (not text)")
    return text


def line_key(path: Path, record_id: str | None, lineno: int) -> str:
    """The key of one .jsonl line. No file's path can equal it: nothing lies
    under ``path/`` while ``path`` is a file. "id=" and "line=" keep an id such
    as "L2" apart from an id-less line."""
    return f"{path}/id={record_id}" if record_id else f"{path}/line={lineno}"


def article_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def parse_file(path: Path, data: bytes, max_chars: int,
               ocr_languages: str | None = None) -> ParsedFile:
    """``ocr_languages``: Tesseract's for pages without text (default ind+eng)."""
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise SkipFile(f"unsupported file type '{path.suffix or path.name}'")
    if kind in ("pdf", "docx", "image"):
        warnings: list[str] = []
        art = _document(path, kind, data, max_chars, ocr_languages, warnings)
        if art is None:
            raise SkipFile("no article text (empty after cleaning)")
        return ParsedFile([art], [f"{path}: {w}" for w in warnings])
    text = decode_bytes(data)
    if kind == "jsonl":
        return _parse_jsonl(path, text, max_chars)
    if kind == "html":
        doc = extract_html(text)
        body = normalize("\n\n".join(doc.paragraphs))
        meta = {"title": doc.title, "source": doc.source, "date": parse_date(doc.date), "url": doc.url}
        art = _article_from_text(path, str(path), body, meta, max_chars)
    elif kind == "markdown":
        body, meta = _markdown(text)
        art = _article_from_text(path, str(path), body, meta, max_chars)
    else:
        art = _article_from_text(path, str(path), text, {}, max_chars)
    if art is None:
        raise SkipFile("no article text (empty after cleaning)")
    return ParsedFile([art])


# The text a .pdf or .docx gives is one article, held to the same size as a text file's.
MAX_DOCUMENT_TEXT_CHARS = 10_000_000


def _document(path: Path, kind: str, data: bytes, max_chars: int, ocr_languages: str | None,
              warnings: list[str]) -> Article | None:
    """A PDF (each paragraph keeps its page), an image (read by OCR) or a Word
    file as one article."""
    paragraphs: list[str] = []
    pages: list[int] | None = None
    read_by_ocr: set[int] = set()
    if kind in ("pdf", "image"):
        title, page_texts, read_by_ocr = _page_texts(kind, data, ocr_languages, warnings)
        pages = []
        for number, page_text in enumerate(page_texts, start=1):
            found = split_paragraphs(normalize(page_text))
            paragraphs += found
            pages += [number] * len(found)
    else:
        docx = extract_docx(data)
        title, paragraphs = docx.title, [normalize(p) for p in docx.paragraphs]
    if sum(len(p) for p in paragraphs) > MAX_DOCUMENT_TEXT_CHARS:
        raise SkipFile(f"too much text for one {kind} file (the limit is "
                       f"{MAX_DOCUMENT_TEXT_CHARS / 1e6:.0f} million characters)")
    return _article_from_paragraphs(path, str(path), paragraphs, {"title": title}, max_chars,
                                    pages=pages, ocr_pages=read_by_ocr)


def _page_texts(kind: str, data: bytes, ocr_languages: str | None,
                warnings: list[str]) -> tuple[str | None, list[str], set[int]]:
    """(title, each page's text, the pages read by OCR) of a PDF or an image.
    A PDF's pages without a text layer are read by OCR; where OCR cannot run,
    they are skipped with the reason (the whole file when no page has text)."""
    from assistant.ingest.ocr import languages, ocr_image, ocr_pdf_pages

    if kind == "image":
        texts = ocr_image(data, languages(ocr_languages))
        if not any(t.strip() for t in texts):
            raise SkipFile("an image without text that OCR can read")
        return None, texts, set(range(1, len(texts) + 1))
    pdf = extract_pdf(data)
    texts = list(pdf.pages)
    empty = [n for n, t in enumerate(texts, start=1) if not t.strip()]
    if not empty:
        return pdf.title, texts, set()
    try:
        read = ocr_pdf_pages(data, empty, languages(ocr_languages))
    except SkipFile as e:
        if len(empty) == len(texts):
            raise
        warnings.append(f"{len(empty)} page(s) without a text layer skipped: {e}")
        read = {}
    for n, text in read.items():
        texts[n - 1] = text
    if not any(t.strip() for t in texts):
        raise SkipFile(f"scanned PDF: no text layer on its {len(texts)} page(s), and OCR "
                       "found no text")
    return pdf.title, texts, {n for n, t in read.items() if t.strip()}


def _article_from_text(path: Path, key: str, raw: str, meta: dict, max_chars: int,
                       public_id: str | None = None) -> Article | None:
    return _article_from_paragraphs(path, key, split_paragraphs(normalize(raw)), meta, max_chars,
                                    public_id)


def _article_from_paragraphs(path: Path, key: str, paragraphs: list[str], meta: dict,
                             max_chars: int, public_id: str | None = None,
                             pages: list[int] | None = None,
                             ocr_pages: set[int] | None = None) -> Article | None:
    """``pages``: the page of each paragraph (a PDF); passages keep it, and say
    whether their page was read by OCR (``ocr_pages``)."""
    if not paragraphs:
        return None
    title = meta.get("title")
    if not title and len(paragraphs) > 1 and looks_like_heading(paragraphs[0]):
        title, paragraphs = paragraphs[0], paragraphs[1:]
        pages = pages[1:] if pages is not None else None
    # Bylines and date lines are metadata, never part of the story's text.
    header, body = split_header(paragraphs, title)
    body_pages = _pages_of(body, paragraphs, pages)
    source = meta.get("source") or find_source(body)
    date = meta.get("date") or article_date(header, body, path.stem)
    cleaned: list[str] = []
    cleaned_pages: list[int] = []
    for i, paragraph in enumerate(body):
        for c in clean_paragraphs([paragraph]):
            cleaned.append(c)
            cleaned_pages.append(body_pages[i] if body_pages is not None else 0)
    if not cleaned:
        return None
    text, passages = chunk_paragraphs(cleaned, max_chars=max_chars,
                                      pages=cleaned_pages if pages is not None else None)
    if ocr_pages:
        passages = [replace(p, ocr=True) if p.page in ocr_pages else p for p in passages]
    if not title:
        # A line of a .jsonl shares its file name with every other line: use its lead.
        title = _lead_title(text) if key != str(path) else title_from_filename(path.stem, source)
    return Article(key=key, id=public_id or article_id(key), path=str(path),
                   title=normalize(title).strip() or None, source=source, date=date,
                   url=meta.get("url"), text=text, passages=passages)


def _pages_of(body: list[str], paragraphs: list[str], pages: list[int] | None) -> list[int] | None:
    """The pages of ``body``, an ordered subset of ``paragraphs`` (the header taken out)."""
    if pages is None:
        return None
    out, i = [], 0
    for p in body:
        while paragraphs[i] is not p and paragraphs[i] != p:
            i += 1
        out.append(pages[i])
        i += 1
    return out


def _lead_title(text: str, limit: int = 80) -> str:
    first = split_sentences(text.split(PARAGRAPH_SEPARATOR, 1)[0])[0]
    if len(first) <= limit:
        return first.rstrip(".")
    cut = first.rfind(" ", 0, limit)
    return first[: cut if cut > limit // 2 else limit] + "…"


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
# Inline markup, removed in linear time: no pattern can rescan text it has
# passed (a bracket or parenthesis class stops at the next one), so a line of
# '*a ' * 22000 or '![' * 30000 costs one pass.
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^()\s]*\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_])[*_]{1,3}(?![\w*_])|`+")
_MD_TAG = re.compile(r"</?[A-Za-z!][^<>\n]*>")
# Above this size a .md file is read as text with its inline markup removed:
# markdown-it's block parser is linear, but slow enough on adversarial input
# (20 µs a character for 66,000 setext headings on a loaded machine) that a
# 10 MB file would hold the writer lock for minutes. An article is far smaller.
MD_PARSE_LIMIT = 100_000


def _markdown(text: str) -> tuple[str, dict]:
    text = normalize(text)
    meta: dict = {}
    fm = _FRONT_MATTER.match(text)
    if fm:
        for line in fm.group(1).splitlines():
            k, _, v = line.partition(":")
            if v.strip() and k.strip().lower() in ("title", "source", "date", "url"):
                meta[k.strip().lower()] = v.strip().strip("'\"")
        text = text[fm.end():]
    meta["date"] = parse_date(meta.get("date"))
    blocks = _md_blocks(text) if len(text) <= MD_PARSE_LIMIT else [("p", text)]
    paragraphs = []
    for tag, content in blocks:
        if tag == "h1" and "title" not in meta:
            meta["title"] = _md_inline(content)
            continue
        paragraphs.append(_md_inline(content))
    return "\n\n".join(paragraphs), meta


def _md_blocks(text: str) -> list[tuple[str, str]]:
    """(tag, raw inline text) of each heading, paragraph and code block, in
    order, from markdown-it's block parser; raw HTML blocks are markup, not text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.core.ruler.disable(["inline"])  # inline markup: _md_inline, in linear time
    blocks, opened = [], "p"
    for token in md.parse(text):
        if token.type.endswith("_open"):
            opened = token.tag
        elif token.type == "inline":
            blocks.append((opened, token.content))
        elif token.type in ("fence", "code_block"):
            blocks.append(("pre", token.content))
    return blocks


def _md_inline(text: str) -> str:
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_TAG.sub("", text)
    return _MD_EMPHASIS.sub("", text)


def _parse_jsonl(path: Path, text: str, max_chars: int) -> ParsedFile:
    out = ParsedFile()
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            art = _jsonl_article(path, line, lineno, max_chars)
        except LineSkipped as e:
            out.warnings.append(f"{path}:{lineno}: skipped line: {e}")
            continue
        except Exception as e:  # noqa: BLE001 - one bad line never stops the file
            out.warnings.append(f"{path}:{lineno}: skipped line: cannot be read "
                                f"({type(e).__name__})")
            continue
        out.articles.append(art)
    return out


class LineSkipped(Exception):
    """One .jsonl line cannot be indexed; the message says why."""


def _jsonl_article(path: Path, line: str, lineno: int, max_chars: int) -> Article:
    from assistant.ingest.records import ArticleRecord  # pydantic: only paid for when indexing

    try:
        record = ArticleRecord.model_validate(json.loads(line))
    except json.JSONDecodeError as e:
        raise LineSkipped(f"invalid JSON ({e.msg})") from None
    except RecursionError:
        raise LineSkipped("invalid JSON (nested too deeply)") from None
    except ValueError as e:
        raise LineSkipped("; ".join(
            f"{'.'.join(map(str, err['loc'])) or 'line'}: {err['msg']}"
            for err in getattr(e, "errors", lambda: [])()) or str(e)) from None
    key = line_key(path, record.id, lineno)
    meta = {"title": record.title, "source": record.source,
            "date": parse_date(record.date), "url": record.url}
    art = _article_from_text(path, key, record.text, meta, max_chars,
                             public_id=record.id or article_id(f"{path}#L{lineno}"))
    if art is None:
        raise LineSkipped("no article text after cleaning")
    return art
