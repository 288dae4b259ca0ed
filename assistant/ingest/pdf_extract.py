"""The text of a PDF, page by page, with pypdf (BSD; imported only when a .pdf is read)."""

import io
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.ingest.skip import SkipFile

if TYPE_CHECKING:
    from pypdf import PdfReader

# A news PDF (a press release, a report, an e-paper issue) has tens of pages;
# thousands are a book or a scan archive, and would hold the writer lock long.
MAX_PDF_PAGES = 2000
# A document title that is only a file name or a tool's placeholder says nothing.
_NO_TITLE = re.compile(r"(?i)^(untitled.*|microsoft \w+ - .*|.*\.\w{2,4})$")

# pypdf stops inflating a stream at its limit (pypdf.filters.ZLIB_MAX_OUTPUT_LENGTH).
_OVER_LIMIT = ("too large once decompressed: a stream inflates past the decompression limit "
               "(75 MB; a compression bomb?)")

MISSING = "PDF support is not installed: pip install 'assistant[documents]'"


@dataclass
class PdfText:
    title: str | None
    pages: list[str]  # the text of each page; "" where a page has none


def extract_pdf(data: bytes) -> PdfText:
    """Each page's text layer ("" where there is none). Encrypted (without an
    empty password), damaged and oversized PDFs raise SkipFile with the reason."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import LimitReachedError, PdfReadError
    except ImportError:
        raise SkipFile(MISSING) from None
    # pypdf reports what it repairs in a damaged file as log warnings; the reason
    # a file is skipped is what the user sees, not a log line on stderr.
    logging.getLogger("pypdf").setLevel(logging.ERROR + 1)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypted(reader):
            raise SkipFile("encrypted PDF (it needs a password; save an unprotected copy to "
                           "index it)")
        count = len(reader.pages)
    except SkipFile:
        raise
    except LimitReachedError:
        raise SkipFile(_OVER_LIMIT) from None
    except (PdfReadError, Exception) as e:  # noqa: BLE001 - pypdf raises many kinds on damage
        raise SkipFile(f"damaged PDF ({type(e).__name__}: {str(e)[:120]})") from None
    if count > MAX_PDF_PAGES:
        raise SkipFile(f"too many pages for one PDF: {count} (the limit is {MAX_PDF_PAGES})")
    pages = []
    for page in reader.pages:
        try:
            pages.append(page.extract_text() or "")
        except LimitReachedError:  # a flate bomb: not a page without text
            raise SkipFile(_OVER_LIMIT) from None
        except Exception:  # noqa: BLE001 - a broken page costs that page, not the file
            pages.append("")
    return PdfText(_title(reader), pages)  # pages without text: OCR (documents.py, ocr.py)


def _decrypted(reader: "PdfReader") -> bool:
    """Many PDFs are encrypted with an empty user password: they open as they are."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - e.g. AES without a crypto library installed
        return False


def _title(reader: Any) -> str | None:  # a pypdf PdfReader, whose metadata may be damaged
    try:
        title = (reader.metadata or {}).get("/Title")
    except Exception:  # noqa: BLE001 - a damaged info dictionary: no title
        return None
    title = str(title).strip() if title else ""
    return title if title and not _NO_TITLE.match(title) else None
