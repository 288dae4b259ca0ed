"""Keyword search terms: what goes into the FTS5 table and how a question becomes
an FTS5 query.

Words are folded (lower case, no diacritics) and reduced to a root, so that a
question matches the article whatever word forms either uses. Text that reads
as English (many English function words) loses its plural endings ("troops" ->
"troop", "countries" -> "country"); any other text goes through the Indonesian
Sastrawi stemmer ("dikirimkan" -> "kirim"), which leaves words it does not know
(names, English words) as they are.
"""

import os
import re
from collections.abc import Callable
from functools import cache

from assistant.text.normalize import fold, tokens

ANALYZER = "sastrawi-en-3"  # recorded in the index; a change re-derives the FTS table
# Indexes written before words with letters beyond a-z were kept whole: their
# queries stem such words as they were indexed, until an update re-derives them.
SASTRAWI_BROKE_WORDS = ("sastrawi-en-2", "sastrawi-1")
SASTRAWI_ONLY = "sastrawi-1"  # indexes written before English plurals were folded
PLAIN = "plain"  # indexes written before stemming: folded words only

# Question words and function words in English and Indonesian: they match
# everywhere, so they only add noise to BM25.
STOPWORDS = frozenset(
    """
    a an the of to in on at by for from with and or but not no is are was were be been being
    do does did done have has had what which who whom whose when where why how many much
    this that these those it its they them their there here as into about than then so if
    i you he she we me my your our his her can could will would should may might must shall
    yang dan di ke dari pada untuk dengan dalam atau ini itu adalah ialah merupakan oleh
    apa apakah siapa siapakah kapan kapankah mana manakah dimana dimanakah bagaimana mengapa
    kenapa berapa berapakah seberapa sebutkan jelaskan cara bisakah dapatkah
    akan telah sudah sedang juga tidak bukan ada saat sejak sebagai secara para pun lah kah
    lalu kemudian terus also
    tersebut bahwa karena jika kalau agar supaya namun tetapi tapi serta hingga sampai
    nya se sang si
    """.split()
)


# Sastrawi can only change a word with an Indonesian affix: a prefix (di-,
# me-, ...), an infix (-el-, -em-, -er-, -in-) or a suffix (-kan, -nya, ...).
# A plain a-z word with none of them is its own stem, so a question made of such
# words never loads the stemmer (about 20 ms of a cold `ask`).
# tests/text/test_keyword_analysis.py checks this against Sastrawi itself.
_MAY_HAVE_AFFIX = re.compile(
    r"^(?:di|ke|se|be|te|me|pe|ku|kau)|^.(?:el|em|er|in)"
    r"|(?:lah|kah|tah|pun|ku|mu|nya|i|kan|an|isme|is)$"
)
_PLAIN_WORD = re.compile(r"[a-z]+")


class _RootWords:
    """Sastrawi's dictionary interface over its word file, read as one string.

    Sastrawi's own ArrayDictionary adds its 30,000 root words one Python call at
    a time; even a frozenset of them costs 5 ms to split and hash, a third of
    the stemmer's load in a cold `ask` of an Indonesian question, which stems a
    few words. The file is sorted (tests/text/test_keyword_analysis.py checks it), so a
    binary search in the text answers those lookups; after ``SET_AFTER`` of them
    (the indexer stems thousands of words) the words go into a frozenset."""

    SET_AFTER = 2000

    def __init__(self, text: str) -> None:
        self._text = "\n" + text.strip("\n") + "\n"  # each word between two newlines
        self._lookups = 0
        self._words: frozenset[str] | None = None

    def contains(self, word: str | None) -> bool:
        if self._words is None:
            self._lookups += 1
            if self._lookups <= self.SET_AFTER:
                return isinstance(word, str) and self._search(word)  # rules may ask for None
            self._words = frozenset(filter(str.strip, self._text.split("\n")))
        return word in self._words

    def _search(self, word: str) -> bool:
        # The word, if present, is a line between the newlines at lo and hi.
        text, lo, hi = self._text, 0, len(self._text) - 1
        while hi - lo > 1:
            start = text.rfind("\n", lo, (lo + hi) // 2 + 1)
            end = text.find("\n", start + 1, hi + 1)
            line = text[start + 1:end]
            if word == line:
                return True
            if word < line:
                hi = start
            else:
                lo = end
        return False

    def count(self) -> int:
        return len(self._words or frozenset(filter(str.strip, self._text.split("\n"))))


def _root_word_text() -> str:
    """Sastrawi's root words, one a line, where StemmerFactory.get_words_from_file
    reads them (that method returns them split)."""
    from Sastrawi.Stemmer import StemmerFactory

    folder = os.path.dirname(os.path.realpath(StemmerFactory.__file__))
    with open(os.path.join(folder, "data", "kata-dasar.txt"), encoding="utf-8") as f:
        return f.read()


@cache
def _sastrawi() -> Callable[[str], str]:
    # StemmerFactory.create_stemmer, with the faster dictionary and without
    # its CachedStemmer: ``stem`` and ``_stem_as_before`` are memoized already.
    from Sastrawi.Stemmer.Stemmer import Stemmer

    return Stemmer(_RootWords(_root_word_text())).stem


@cache
def stem(word: str) -> str:
    """The Sastrawi root of a folded word; words it cannot stem stay whole."""
    # Sastrawi reads a-z only: it drops digits and hyphens and breaks a word at
    # any other letter ("københavn" -> "k benhavn"), which would also put the
    # stored terms out of step with the words. Such words stay whole.
    if not _PLAIN_WORD.fullmatch(word) or not _MAY_HAVE_AFFIX.search(word):
        return word
    return _sastrawi()(word) or word


@cache
def _stem_as_before(word: str) -> str:
    """``stem`` as analyzers up to sastrawi-en-2 had it: any alphabetic word
    went to Sastrawi ("københavn" -> "k benhavn")."""
    if word.isalpha() and not _PLAIN_WORD.fullmatch(word):
        return _sastrawi()(word) or word
    return stem(word)


# Words that mark English text; Indonesian text has almost none of them.
ENGLISH_WORDS = frozenset(
    """the of and to in is are was were an that for on with as by at from it this be
    how what who when where which why did do does many much have has had their they
    his her its not or but will would can there been into than""".split()
)


def is_english(folded: list[str]) -> bool:
    """Whether folded words read as English: at least two English function
    words, making up at least an eighth of the words."""
    hits = sum(1 for w in folded if w in ENGLISH_WORDS)
    return hits >= 2 and hits * 8 >= len(folded)


# Words ending in s that are not plurals (S-stemmer exceptions, Harman 1991).
_NOT_PLURAL = re.compile(r"(?:ss|us|is|ous|ics|aes|ees|oes|ews)$")
_ALWAYS_S = frozenset("series species means lens gas yes whereas".split())


def english_stem(word: str) -> str:
    """A plural folded to its singular (Harman's S-stemmer): conservative on
    purpose, so that words like "status", "news" or "politics" stay whole.
    ``analyze`` keeps capitalised words (names) away from it."""
    if (len(word) < 4 or not word.isalpha() or not word.endswith("s") or word in _ALWAYS_S
            or _NOT_PLURAL.search(word)):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("es") and word[-3] in "hxz" and word[-4:-2] != "he" or word.endswith("sses"):
        return word[:-2]
    return word[:-1]


def _rooter(folded: list[str], analyzer: str) -> Callable[[str, str], str]:
    """How this text's words become terms: (word as written, folded) -> term.
    English plurals for English text, Sastrawi for the rest."""
    if analyzer == PLAIN:
        return lambda raw, f: f
    if analyzer != SASTRAWI_ONLY and is_english(folded):
        # Capitalised words are names ("Wales", "Williams"): other languages write them alike.
        return lambda raw, f: english_stem(f) if raw.islower() else f
    if analyzer in SASTRAWI_BROKE_WORDS:
        return lambda raw, f: _stem_as_before(f)
    return lambda raw, f: stem(f)


def analyze(text: str, analyzer: str = ANALYZER) -> list[str]:
    """The terms of ``text`` as the keyword index sees them: one per word."""
    raw = tokens(text)
    folded = [fold(w) for w in raw]
    root = _rooter(folded, analyzer)
    return [root(w, f) for w, f in zip(raw, folded)]


# Separates a passage's own terms from its context's in the stored FTS body.
# FTS5's tokenizer skips it, so it never matches; the passage's terms stay word
# by word first, which lets answers slice them by sentence.
CONTEXT_MARK = "|"


def fts_body(text: str, context: str = "", analyzer: str = ANALYZER) -> str:
    """The text stored in the FTS5 table for one passage: its terms, then its
    context's (title, lead), so that keyword search sees what a reader sees."""
    body = " ".join(analyze(text, analyzer))
    if context:
        body += f" {CONTEXT_MARK} " + " ".join(analyze(context, analyzer))
    return body


def own_terms(body: str) -> list[str]:
    """The passage's own terms in a stored FTS body, without its context's."""
    return body.split(f" {CONTEXT_MARK} ", 1)[0].split()


# The most distinct terms a question is searched by: each is looked up in the
# index (its frequency, its other endings), so a 2,000-character question of
# random words would cost hundreds of lookups. A real question has far fewer.
MAX_QUERY_TERMS = 32


def query_terms(question: str, analyzer: str = ANALYZER) -> list[str]:
    """The question's distinct keyword terms in order, from at most
    MAX_QUERY_TERMS distinct words: beyond that, the longest (the most
    specific) are kept, before any is rooted (the stemmer's time counts too)."""
    raw = tokens(question)
    folded = [fold(w) for w in raw]
    root = _rooter(folded, analyzer)
    # Stop words go before rooting: they would load the stemmer for nothing.
    words = list(dict.fromkeys((w, f) for w, f in zip(raw, folded)
                               if f not in STOPWORDS and (len(f) > 1 or f.isdigit())))
    if len(words) > MAX_QUERY_TERMS:
        longest = set(sorted(words, key=lambda p: -len(p[1]))[:MAX_QUERY_TERMS])  # stable
        words = [p for p in words if p in longest]
    kept = [root(w, f) for w, f in words]
    return [t for t in dict.fromkeys(kept) if t not in STOPWORDS]


def name_variants(question: str, analyzer: str = ANALYZER) -> dict[str, str]:
    """For each name of the question (a capitalised word after the first), its
    other keyword form: the Sastrawi root when the question reads as English
    (whose names stay whole), the whole word when it was stemmed. Indonesian
    text stems names it takes for affixed words ("Bekasi" -> "bekas"), English
    text keeps them: an English question about an Indonesian article, or the
    other way round, would otherwise miss the name. Retrieval keeps the form
    the articles use (``retrieval.names_as_indexed``)."""
    if analyzer == PLAIN:
        return {}
    raw = tokens(question)
    folded = [fold(w) for w in raw]
    root = _rooter(folded, analyzer)
    out = {}
    for i, (w, f) in enumerate(zip(raw, folded)):
        if i > 0 and w[:1].isupper() and w.isalpha() and len(w) > 1 and f not in STOPWORDS:
            term = root(w, f)
            other = stem(f) if term == f else f
            if other != term:
                out[term] = other
    return out


def question_names(question: str, analyzer: str = ANALYZER) -> list[list[str]]:
    """The names in a question, each as the keyword terms of its words: runs
    of capitalised words after the first word (which is capitalised anyway),
    less function words and numbers ("NATO Secretary General" is one name).
    Only those words are rooted, so the stemmer loads no more than for
    ``query_terms``."""
    raw = tokens(question)
    folded = [fold(w) for w in raw]
    root = _rooter(folded, analyzer)
    names, run = [], []
    for i, (w, f) in enumerate(zip(raw, folded)):
        if i > 0 and w[:1].isupper() and w.isalpha() and len(w) > 1 and f not in STOPWORDS:
            run.append(root(w, f))
        elif run:
            names.append(run)
            run = []
    if run:
        names.append(run)
    return names
