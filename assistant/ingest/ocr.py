"""Text from pictures of text with Tesseract: a PDF's pages without a text layer
(rendered with pypdfium2) and image files (.png, .jpg, .jpeg, .tif, .tiff).

The `ocr` extra (`pip install 'assistant[ocr]'`: pytesseract, pypdfium2) and
Tesseract itself with its language data (Debian: `apt-get install tesseract-ocr
tesseract-ocr-ind`) are needed; without them such a page is skipped with a
reason that says what to install. Each page has a time limit (pytesseract's
``timeout``) and a file at most ``MAX_OCR_PAGES`` pages read. Tesseract runs as
a process per page, so the pages of a file are read by a small pool of threads.
"""

import io
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from assistant.ingest.skip import SkipFile

LANGUAGES_ENV = "ASSISTANT_OCR_LANGUAGES"
DEFAULT_LANGUAGES = "ind+eng"
PAGE_TIMEOUT_S = 60  # one page's Tesseract run
MAX_OCR_PAGES = 100  # pages of one file read by OCR; a longer scan is an archive, not news
MAX_IMAGE_PIXELS = 60_000_000  # about A3 at 600 dpi: a bigger "image" is a bomb
RENDER_DPI = 300
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
INSTALL = ("install Tesseract: apt-get install tesseract-ocr tesseract-ocr-ind, and "
           "pip install 'assistant[ocr]'")


def languages(setting: str | None = None) -> str:
    """Tesseract's languages: the setting, else ASSISTANT_OCR_LANGUAGES, else ind+eng."""
    value = (setting or os.environ.get(LANGUAGES_ENV) or DEFAULT_LANGUAGES).strip()
    parts = value.split("+")
    if not all(p and p.replace("_", "").isalnum() for p in parts):
        from assistant.errors import UsageError

        raise UsageError(f"ocr_languages must be Tesseract language codes joined by +, such as "
                         f"ind+eng, not {value!r}")
    return value


def missing(need_pdf: bool = False) -> str | None:
    """Why OCR cannot run here (what to install), or None."""
    try:
        import pytesseract  # noqa: F401
        if need_pdf:
            import pypdfium2  # noqa: F401
    except ImportError:
        return INSTALL
    if shutil.which("tesseract") is None:
        return INSTALL
    return None


def _read(image: Any, langs: str) -> str:
    import pytesseract

    try:
        return reflow(str(pytesseract.image_to_string(image, lang=langs, timeout=PAGE_TIMEOUT_S)))
    except RuntimeError as e:  # pytesseract's timeout
        if "timeout" in str(e).lower():
            raise SkipFile(f"OCR took longer than {PAGE_TIMEOUT_S} s on a page") from None
        raise
    except pytesseract.TesseractError as e:
        raise SkipFile(f"OCR failed ({_first_line(str(e.message))}; are the language data "
                       f"for {langs} installed? tesseract --list-langs)") from None


def reflow(text: str) -> str:
    """Tesseract's lines joined into its paragraphs (blank lines part them), with
    words hyphenated at a line's end joined again."""
    import re

    blocks = re.split(r"\n\s*\n", text.replace("\f", "\n\n"))
    joined = (re.sub(r"(\w)-\n(\w)", r"\1\2", b.strip()) for b in blocks)
    return "\n\n".join(" ".join(line.strip() for line in b.splitlines() if line.strip())
                         for b in joined if b)


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or ["Tesseract error"])[-1][:160]


def _pool(jobs: list[Callable[[], str]]) -> list[str]:
    """Run the pages' OCR in threads (each a Tesseract process), in order."""
    workers = max(1, min(len(jobs), 4, len(os.sched_getaffinity(0))
                         if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
    if workers == 1:
        return [job() for job in jobs]
    with ThreadPoolExecutor(workers, thread_name_prefix="assistant-ocr") as pool:
        return list(pool.map(lambda job: job(), jobs))


def ocr_pdf_pages(data: bytes, numbers: list[int], langs: str) -> dict[int, str]:
    """The text of the PDF's pages ``numbers`` (1-based), rendered and read by OCR."""
    reason = missing(need_pdf=True)
    if reason:
        raise SkipFile(f"scanned PDF: no text layer on {_pages(numbers)} ({reason})")
    if len(numbers) > MAX_OCR_PAGES:
        raise SkipFile(f"scanned PDF: {len(numbers)} pages without a text layer (OCR reads at "
                       f"most {MAX_OCR_PAGES} pages of a file)")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        images = []
        for n in numbers:
            page = pdf[n - 1]
            images.append(page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil())
            page.close()
    finally:
        pdf.close()
    texts = _pool([partial(_read, im, langs) for im in images])
    return dict(zip(numbers, texts))


def _pages(numbers: list[int]) -> str:
    return f"page {numbers[0]}" if len(numbers) == 1 else f"its {len(numbers)} pages"


def ocr_image(data: bytes, langs: str) -> list[str]:
    """The text of an image file, one string a frame (a multi-page TIFF has several)."""
    reason = missing()
    if reason:
        raise SkipFile(f"an image: its text needs OCR ({reason})")
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        frames = [f.copy() for _, f in zip(range(MAX_OCR_PAGES), ImageSequence.Iterator(image))]
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as e:
        raise SkipFile(f"damaged or unreadable image ({type(e).__name__})") from None
    return _pool([partial(_read, f, langs) for f in frames])
