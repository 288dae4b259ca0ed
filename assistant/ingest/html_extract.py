"""Article text and metadata from HTML, with the standard library's HTML parser.

Scripts, styles, navigation and other page furniture are dropped; block
elements end paragraphs. When the page has an <article> element, only its
content is taken.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "nav", "header",
         "footer", "aside", "form", "button", "select", "figure", "figcaption", "head"}
_BLOCK = {"p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3",
          "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "td", "th", "dd", "dt",
          "dl", "br", "hr", "body", "time"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col",
         "embed", "param", "track"}


@dataclass
class HtmlDocument:
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    paragraphs: list[str] = field(default_factory=list)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = HtmlDocument()
        self.skip_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.h1: str | None = None
        self.h1_parts: list[str] | None = None
        self.article_depth = 0
        self.saw_article = False
        self.all_paras: list[str] = []
        self.article_paras: list[str] = []
        self.buf: list[str] = []
        self.meta: dict[str, str] = {}

    def _flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        self.buf = []
        if text:
            self.all_paras.append(text)
            if self.article_depth:
                self.article_paras.append(text)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
            return
        if tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("canonical", a["href"])
        if tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag == "title" and not self.skip_depth:
            self.in_title = True
            return
        if tag in _VOID:
            if tag in _BLOCK:
                self._flush()
            return
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag in _BLOCK:
            self._flush()
        if tag == "article":
            self.article_depth += 1
            self.saw_article = True
        if tag == "h1" and self.h1 is None:
            self.h1_parts = []

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
            return
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag == "h1" and self.h1_parts is not None:
            self.h1 = " ".join("".join(self.h1_parts).split()) or None
            self.h1_parts = None
        if tag in _BLOCK:
            self._flush()
        if tag == "article":
            self.article_depth = max(0, self.article_depth - 1)

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.skip_depth:
            return
        self.buf.append(data)
        if self.h1_parts is not None:
            self.h1_parts.append(data)


def extract_html(markup: str) -> HtmlDocument:
    p = _Extractor()
    p.feed(markup)
    p.close()
    p._flush()
    doc = p.doc
    m = p.meta
    paras = p.article_paras if p.saw_article and p.article_paras else p.all_paras
    title = m.get("og:title") or p.h1 or " ".join("".join(p.title_parts).split()) or None
    # The headline is metadata; keep it out of the body text.
    if title and paras and paras[0] == title:
        paras = paras[1:]
    doc.title = title
    doc.paragraphs = paras
    doc.source = m.get("og:site_name") or m.get("publisher") or m.get("author") or None
    doc.date = (m.get("article:published_time") or m.get("datepublished") or m.get("date")
                or m.get("pubdate") or m.get("dc.date") or m.get("time"))
    doc.url = m.get("og:url") or m.get("canonical")
    return doc
