"""Keyword search terms: what goes into the FTS5 table and how a question becomes
an FTS5 query.

Words are folded (lower case, no diacritics) and reduced to their Indonesian
root with the Sastrawi stemmer ("dikirimkan" -> "kirim"), so that a question
matches the article whatever affixes either uses. Words the stemmer does not
know (names, English words) stay as they are.
"""

import re
from functools import cache

from assistant.textutil import fold, words

ANALYZER = "sastrawi-1"  # recorded in the index; a change re-derives the FTS table
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
    tersebut bahwa karena jika kalau agar supaya namun tetapi tapi serta hingga sampai
    nya se sang si
    """.split()
)


# Sastrawi can only change a word with an Indonesian affix: a prefix (di-,
# me-, ...), an infix (-el-, -em-, -er-, -in-) or a suffix (-kan, -nya, ...).
# A plain a-z word with none of them is its own stem, so a question made of such
# words never loads the stemmer (about 20 ms of a cold `ask`).
# tests/test_keywords.py checks this against Sastrawi itself.
_MAY_HAVE_AFFIX = re.compile(
    r"^(?:di|ke|se|be|te|me|pe|ku|kau)|^.(?:el|em|er|in)"
    r"|(?:lah|kah|tah|pun|ku|mu|nya|i|kan|an|isme|is)$"
)
_PLAIN_WORD = re.compile(r"[a-z]+")


@cache
def _sastrawi():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer().stem


@cache
def stem(word: str) -> str:
    """The Sastrawi root of a folded word; words it cannot stem stay whole."""
    # Sastrawi drops digits, hyphens and non-Latin letters from what it cannot
    # stem; keep such words whole.
    if not word.isalpha():
        return word
    if _PLAIN_WORD.fullmatch(word) and not _MAY_HAVE_AFFIX.search(word):
        return word
    return _sastrawi()(word) or word


def analyze(text: str, analyzer: str = ANALYZER) -> list[str]:
    """The terms of ``text`` as the keyword index sees them."""
    folded = [fold(w) for w in words(text)]
    if analyzer == PLAIN:
        return folded
    return [stem(w) for w in folded]


def fts_body(text: str, analyzer: str = ANALYZER) -> str:
    """The text stored in the FTS5 table for one passage."""
    return " ".join(analyze(text, analyzer))


def query_terms(question: str, analyzer: str = ANALYZER) -> list[str]:
    folded = [fold(w) for w in words(question)]
    kept = [w for w in folded if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    if analyzer != PLAIN:
        kept = [stem(w) for w in kept]
    return [t for t in dict.fromkeys(kept) if t not in STOPWORDS]


def fts_query(question: str, analyzer: str = ANALYZER) -> str:
    """An FTS5 MATCH expression: any of the question's content words (BM25 ranks)."""
    return " OR ".join(f'"{t}"' for t in query_terms(question, analyzer))
