"""Keyword search terms: what goes into the FTS5 table and how a question becomes
an FTS5 query."""

from assistant.textutil import words

# Question words and function words in English and Indonesian: they match
# everywhere, so they only add noise to BM25.
STOPWORDS = frozenset(
    """
    a an the of to in on at by for from with and or but not no is are was were be been being
    do does did done have has had what which who whom whose when where why how many much
    this that these those it its they them their there here as into about than then so if
    i you he she we me my your our his her can could will would should may might must shall
    yang dan di ke dari pada untuk dengan dalam atau ini itu adalah ialah merupakan oleh
    apa apakah siapa siapakah kapan kapankah mana manakah dimana di mana bagaimana mengapa
    kenapa berapa berapakah seberapa berapa banyak sebutkan jelaskan
    akan telah sudah sedang juga tidak bukan ada saat sejak sebagai secara para pun lah kah
    tersebut bahwa karena jika kalau agar supaya namun tetapi tapi serta hingga sampai
    nya se sang si
    """.split()
)


def fts_body(text: str) -> str:
    """The text stored in the FTS5 table for one passage."""
    return text


def query_terms(question: str) -> list[str]:
    seen: dict[str, None] = {}
    for w in words(question):
        if w not in STOPWORDS and (len(w) > 1 or w.isdigit()):
            seen.setdefault(w, None)
    return list(seen)


def fts_query(question: str) -> str:
    """An FTS5 MATCH expression: any of the question's content words (BM25 ranks)."""
    return " OR ".join(f'"{t}"' for t in query_terms(question))
