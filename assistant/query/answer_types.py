"""What kind of answer a question asks for, and where that answer sits in a sentence.

Rule-based for English and Indonesian question words: "how many"/"berapa" want
a number, "when"/"kapan" a date, "who"/"siapa" a person, "where"/"di mana" a
place. Used to prefer sentences that hold such an answer and to highlight it.
"""

import re

NUMBER, DATE, PERSON, PLACE = "number", "date", "person", "place"

# Indonesian question words may carry the particle -kah ("berapakah", "ke manakah").
_TYPE_RULES = [
    (DATE, re.compile(r"\b(when|what year|which year|what date|kapan|tahun berapa|"
                      r"pada tahun berapa|tanggal berapa|sejak kapan|bilamana)(?:kah)?\b", re.I)),
    (NUMBER, re.compile(r"\b(how many|how much|how long|how old|how far|how big|how high|"
                        r"what percentage|berapa|seberapa|jumlah)(?:kah)?\b", re.I)),
    (PERSON, re.compile(r"\b(who|whom|whose|siapa)(?:kah)?\b", re.I)),
    (PLACE, re.compile(r"\b(where|di ?mana|ke ?mana|dari ?mana|"
                       r"negara apa|kota apa|provinsi apa)(?:kah)?\b", re.I)),
]

_MONTHS = (r"(?:januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|"
           r"november|desember|january|february|march|may|june|july|august|october|"
           r"december|jan|feb|mar|apr|jun|jul|agu|aug|sep|okt|oct|nov|des|dec)\.?")
_DATE = re.compile(
    r"\b\d{1,2}\s+" + _MONTHS + r"(?:\s+\d{3,4})?\b"
    r"|\b" + _MONTHS + r"\s+\d{1,2},?\s+\d{3,4}\b"
    r"|\b" + _MONTHS + r"\s+\d{3,4}\b"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b(?:abad\s+(?:ke-?)?\s*\d+|abad\s+[IVXLC]+|\d{3,4}\s*(?:SM|M|BC|AD)\b)"
    r"|\b(?:1[0-9]|20)\d{2}(?:\s*[-–]\s*(?:1[0-9]|20)?\d{2})?\b",
    re.I,
)
_SCALE = (r"(?:ribu|juta|miliar|milyar|triliun|thousand|million|billion|trillion|persen|percent|%|"
          r"km2|km|kilometer|meter|m|kg|ton|orang|jiwa|tahun|bulan|hari|jam|menit|detik|"
          r"dollar|dolar|rupiah|euro|yen|unit|buah|kali|mil|hektar|ha)")
_NUMBER = re.compile(r"(?:(?:Rp|US\$|\$|€)\s?)?\b\d[\d.,]*\b(?:\s*" + _SCALE + r"\b)?|"
                     r"\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|"
                     r"sebelas|seratus|seribu|sejuta|belasan|puluhan|ratusan|ribuan)"
                     r"(?:\s+(?:belas|puluh|ratus|ribu|juta))*(?:\s+" + _SCALE + r")?\b", re.I)
_NAME = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:bin|binti|van|von|de|al|el|di|da)?\s*[A-Z][\w'’-]+)*")
# A preposition, up to two lower-case words ("di kaki", "in the"), then a name:
# "di kaki Gunung Meja", "ke Kursk".
_PLACE_PREP = re.compile(r"\b(?:di|ke|dari|in|at|to|from|near|dekat)\s+((?:[a-z]+\s+){0,2}"
                         + _NAME.pattern[2:] + ")")


def question_type(question: str) -> str | None:
    for kind, rule in _TYPE_RULES:
        if rule.search(question):
            return kind
    return None


def _candidates(kind: str, sentence: str) -> list[tuple[int, int]]:
    if kind == DATE:
        return [m.span() for m in _DATE.finditer(sentence)]
    if kind == NUMBER:
        spans = [m.span() for m in _NUMBER.finditer(sentence)]
        dates = [m.span() for m in _DATE.finditer(sentence)]
        # A count is rarely a year or a date; prefer numbers that are not.
        plain = [s for s in spans if not any(a <= s[0] < b for a, b in dates)]
        return plain or spans
    if kind == PLACE:
        return [m.span(1) for m in _PLACE_PREP.finditer(sentence)]
    if kind == PERSON:
        trimmed = [_trim_roles(sentence, *m.span()) for m in _NAME.finditer(sentence)]
        names = [n for n in trimmed if n is not None]
        # Full names (two or more words) before single capitalised words.
        return sorted(names, key=lambda ab: " " not in sentence[ab[0]:ab[1]])
    return []


_ROLES = frozenset("""presiden wakil sekjen sekretaris jenderal menteri ketua direktur gubernur bupati
walikota raja ratu pangeran kaisar sultan jend kolonel kapten dr prof ir haji hj kh pak bu bapak ibu
president vice secretary general minister chairman director governor mayor king queen prince emperor
mr mrs ms sir lord saint st""".split())


def _trim_roles(sentence: str, a: int, b: int) -> tuple[int, int] | None:
    """Drop leading titles and acronyms ("Sekjen NATO Mark Rutte" -> "Mark Rutte")."""
    for m in re.finditer(r"\S+", sentence[a:b]):
        word = m.group().strip(".,")
        if word.lower() in _ROLES or (word.isupper() and len(word) > 1):
            continue
        return a + m.start(), b
    return None


def answer_span(question: str, sentence: str) -> tuple[int, int] | None:
    """Offsets of the likely answer in ``sentence``, or None.

    Among several candidates, the first one whose words are not already in the
    question wins: the answer is what the question does not say.
    """
    kind = question_type(question)
    if kind is None:
        return None
    qwords = set(w.lower() for w in re.findall(r"\w+", question))
    for a, b in _candidates(kind, sentence):
        words = [w.lower() for w in re.findall(r"\w+", sentence[a:b])]
        if words and not all(w in qwords for w in words):
            return a, b
    return None
