"""Article text and metadata from HTML, with trafilatura (imported only when an
.html file is read, so asking never pays for it).

trafilatura finds the main text of a page the way the field does (readability
heuristics with jusText as fallback), so navigation, cookie banners,
breadcrumbs, related links and footers never become passages. It parses with
lxml, in time linear in the input. Title, date, site name and URL come from the
page's meta tags (og:title, article:published_time, og:site_name, og:url…)
when present.
"""

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from configparser import ConfigParser

# lxml's own limit on element nesting depth keeps deeply nested junk linear too.
_QUIET = ("trafilatura", "htmldate", "courlan", "justext", "readability")


@dataclass
class HtmlDocument:
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    paragraphs: list[str] = field(default_factory=list)


def _config() -> "ConfigParser":
    from trafilatura.settings import use_config

    config = use_config()
    # A page of a few sentences is an article too (the default output minimum
    # is 250 characters). The extraction minimum stays: below it trafilatura
    # compares its result with its fallback extractors and keeps the better.
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # its signal-based timeout needs the main thread
    return config


_CONFIG = None


def extract_html(markup: str) -> HtmlDocument:
    global _CONFIG
    import trafilatura

    for name in _QUIET:  # its warnings about odd pages are not the user's business
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if _CONFIG is None:
        _CONFIG = _config()
    found = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False,
        include_tables=False, include_images=False, include_links=False,
        deduplicate=False, config=_CONFIG)
    doc = HtmlDocument()
    if found is None or isinstance(found, dict):  # a dict only with as_dict=True
        return doc
    doc.title = _clean(found.title)
    doc.date = found.date or None
    doc.source = _clean(found.sitename)
    doc.url = found.url or None
    paras = [" ".join(line.split()) for line in (found.text or "").split("\n")]
    paras = [p for p in paras if p]
    # The headline is metadata; keep it out of the body text.
    if doc.title and paras and paras[0] == doc.title:
        paras = paras[1:]
    doc.paragraphs = paras
    return doc


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None
