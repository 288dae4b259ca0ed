"""What kind of answer a question asks for, and where that answer sits in a sentence.

Rule-based for English and Indonesian: "how many"/"berapa" want a number,
"when"/"kapan" a date, "what time"/"pukul berapa" a time, "who"/"siapa" a
person, "where"/"di mana" a place, "which agency"/"lembaga apa" an
organisation, "which train"/"kereta apa" a name. Used to prefer sentences that
hold such an answer and to highlight it (the span).

Numbers are read as the news writes them: "12.000", "21,346", "6,5 persen",
"Rp5.921.340", "Rp3,2 miliar", "US$141 million", "2.3 trillion rupiah", "0.2%",
"1.250 hektare", "2 hingga 3 meter", "88-79". When a sentence holds several
candidates, the one tied to the question wins: its unit is the kind of
quantity asked about (money for "how much ... pay", a share for "what
percentage"), and it stands nearest the question's own words ("each pilgrim
pays Rp..." rather than the total cost).

The patterns are built on first use: importing this module costs nothing on
the cold path of a question that needs no span.
"""

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from assistant.text.datelines import dateline
from assistant.text.dates import MONTHS, WEEKDAYS, month_pattern, weekday_pattern
from assistant.text.normalize import fold

NUMBER, DATE, TIME, PERSON, PLACE, ORG, NAME, REASON = (
    "number", "date", "time", "person", "place", "org", "name", "reason")
# Kinds whose answer a pronoun may stand for (answers.best_sentences).
NAMED_BEFORE = frozenset({PERSON, ORG})


@cache
def _type_rules() -> list[tuple[str, re.Pattern]]:
    kah = r"(?:kah)?\b"
    place_nouns = (r"country|city|province|regency|district|village|island|road|region|town|port|"
                   r"street|state|area|station|mountain|negara|kota|provinsi|kabupaten|kecamatan|"
                   r"desa|pulau|jalan|ruas|wilayah|daerah|stasiun|pelabuhan|gunung")
    org_nouns = (r"agency|company|team|club|party|organi[sz]ation|ministry|institution|bank|firm|"
                 r"body|authority|group|union|body|lembaga|instansi|perusahaan|partai|klub|tim|"
                 r"badan|kementerian|organisasi|pihak")
    value_nouns = (r"wage|salary|price|cost|fee|fare|tariff|toll|rate|score|level|percentage|share|"
                   r"budget|value|turnout|total|amount|number|count|death toll|population|cap|limit|"
                   r"threshold|batas")
    return [(kind, re.compile(p, re.I)) for kind, p in [
        (TIME, r"\b(?:what time|at what time|pukul berapa|jam berapa)" + kah),
        (DATE, r"\b(?:when|what year|which year|what date|what day|which day|kapan|tahun berapa|"
               r"pada tahun berapa|tanggal berapa|sejak kapan|hari apa|bilamana)" + kah),
        (NUMBER, r"\b(?:how many|how much|how long|how old|how far|how big|how high|how large|"
                 r"how deep|how tall|what percentage|what share|what proportion|berapa|seberapa|"
                 r"jumlah)" + kah),
        (PERSON, r"\b(?:who|whom|whose|siapa)" + kah),
        # "why", "what triggered it?", "apa penyebab ...": a cause or a purpose.
        (REASON, r"\b(?:why|mengapa|kenapa|how come|what (?:caused|causes|triggered|sparked|"
                 r"led to|prompted)|apa (?:yang )?(?:menyebabkan|memicu|penyebab|pemicu)|"
                 r"(?:apa|what is|what was) (?:the )?(?:penyebab|pemicu|alasan|cause|reason|trigger)|"
                 r"untuk apa|for what reason)" + kah),
        (ORG, r"\b(?:which|what)\s+(?:\w+\s+){0,2}(?:" + org_nouns + r")s?\b"
              r"|\b(?:" + org_nouns + r")\s+(?:apa|mana)" + kah),
        (PLACE, r"\b(?:where|di ?mana|ke ?mana|dari ?mana)" + kah
                + r"|\b(?:which|what)\s+(?:\w+\s+){0,2}(?:" + place_nouns + r")\b"
                r"|\b(?:" + place_nouns + r")\s+(?:apa|mana)" + kah),
        # "what was the score?", "what is the minimum wage?": a number.
        (NUMBER, r"\b(?:what|which|apa)\b(?:\s+[\w'’]+){0,4}?\s+(?:" + value_nouns + r")s?\b"),
        # "Kereta apa yang anjlok?", "which train derailed?": a named thing.
        (NAME, r"\bwhich\s+\w+|^\s*(?!(?:di|ke|dari|sejak|sampai|yang|dan|lalu|untuk|"
               r"bagaimana|mengapa|kenapa|apa)\b)\w+\s+(?:apa|mana)" + kah),
    ]]


# The patterns read a question's start only: the question word nearest the
# start decides anyway, and a 2,000-character question costs no more than this.
MAX_PATTERN_CHARS = 400


@lru_cache(maxsize=256)  # asked several times for one question
def question_type(question: str) -> str | None:
    """The kind of answer asked for. Where several question words occur, the
    one nearest the start decides ("what level did it close at when ..." asks
    for a number); on a tie, the rule listed first."""
    best, best_at = None, None
    question = question[:MAX_PATTERN_CHARS]
    for kind, rule in _type_rules():
        m = rule.search(question)
        if m and (best_at is None or m.start() < best_at):
            best, best_at = kind, m.start()
    return best


# -- numbers ---------------------------------------------------------------------------

_CURRENCY_PRE = r"(?:Rp\.?\s?|IDR\s?|US\$\s?|USD\s?|S\$\s?|A\$\s?|\$|€\s?|£\s?|¥\s?|RM\s?)"
_DIGITS = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_WORD_NUMBER = (r"(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|"
                r"seratus|seribu|sejuta|setengah|belasan|puluhan|ratusan|ribuan|jutaan|"
                r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
                r"fifty|a hundred|a thousand|dozens|hundreds|thousands|millions)"
                r"(?:\s+(?:belas|puluh|ratus|ribu|juta))*")
_SCALE = r"(?:ribu|rb|juta|jt|miliar|milyar|triliun|thousand|million|billion|trillion|mln|bn)"

# Units by the quantity they measure: a question about money wants a currency.
# Words, not patterns: a set lookup costs nothing to build, where compiling
# these lists as regular expressions cost a cold `ask` several milliseconds.
_UNITS = {
    "money": "rupiah|dolar|dolar as|dollar|dollars|euro|euros|yen|ringgit|yuan|pound|pounds",
    "percent": "persen|percent|per cent|%|basis point|basis points|poin|point|points",
    "area": "hektare|hektar|hectare|hectares|ha|km2|km²|m2|m²|acre|acres|square kilometer|"
            "square kilometers|square kilometre|square kilometres|square meter|square meters|"
            "square metre|square metres|square mile|square miles",
    "length": "kilometer|kilometers|kilometre|kilometres|km|meter|meters|metre|metres|m|cm|mm|"
              "mil|mile|miles|feet|ft",
    "weight": "kilogram|kilograms|kg|gram|grams|g|ton|tons|tonne|tonnes",
    "time": "tahun|year|years|bulan|month|months|pekan|minggu|week|weeks|hari|day|days|jam|hour|"
            "hours|menit|minute|minutes|detik|second|seconds",
    "people": "orang|jiwa|people|persons|korban|warga|penumpang|pengungsi|victims|residents|"
              "passengers|evacuees",
    "other": "magnitudo|sr|derajat|degree|degrees|°c|liter|litre|litres|liters|knot|knots|unit|"
             "units|buah|ekor|kali|times|dosis|dosis|dose|doses|suara|vote|votes|kursi|seat|seats",
}
# What the question asks about, by the quantity's words (English and Indonesian).
_CUES = {
    "money": "pay|paid|cost|costs|price|worth|fee|fare|wage|salary|budget|spend|spent|fund|"
             "fine|toll|tariff|value|money|rupiah|dollar|dollars|bayar|dibayar|biaya|harga|tarif|"
             "upah|gaji|anggaran|dana|nilai|senilai|denda|ongkos|imbalan|rp",
    "percent": "percent|percentage|per cent|rate|share|turnout|growth|inflation|interest|"
               "persen|persentase|tingkat|partisipasi|pertumbuhan|inflasi|bunga|kenaikan|naik|"
               "turun|rise|fall|fell|rose|increase",
    "area": "hectare|hectares|area|land|acre|acres|luas|lahan|hektare|hektar",
    "length": "how long|how far|length|long|distance|panjang|jarak|kilometer|kilometers|km|"
              "tinggi|height|deep|depth|kedalaman",
    "weight": "weigh|weight|kilogram|kilograms|ton|tons|tonne|tonnes|berat|kg",
    "time": "how long|berapa lama|lama|duration|days|weeks|months|years|hari|pekan|bulan",
    "level": "level|close|closed|closing|posisi|ditutup|index|indeks",
    "score": "score|skor|scoreline",
    "people": "people|persons|died|dead|killed|victims|injured|residents|passengers|evacuees|"
              "orang|korban|warga|penumpang|jiwa|tewas|meninggal|pengungsi",
}


def _unit_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, units in _UNITS.items():
        for unit in units.split("|"):
            table.setdefault(unit, name)
    return table


_UNIT_OF = _unit_table()  # "dolar as" -> "money"
_CUE_WORDS = {name: tuple(f" {c} " for c in cues.split("|")) for name, cues in _CUES.items()}
# A unit after a figure: one word (letters, or "km2"), "%" or "°C", and maybe a
# second word ("per cent", "dolar AS"); the whole unit ends the word.
_UNIT_WORDS = re.compile(r"\s*(%|°C|[^\W\d_]+[2²]?)(?:\s+([^\W\d_]+[2²]?))?", re.I)


@cache
def _number_re() -> re.Pattern:
    one = (rf"(?:{_CURRENCY_PRE})?(?:{_DIGITS}|\b{_WORD_NUMBER}\b)"
           rf"(?:\s*{_SCALE}\b)?")
    return re.compile(rf"(?<![\w.,]){one}(?:\s*(?:-|–|hingga|sampai|to)\s*{one})?", re.I)


def _unit_after(sentence: str, b: int) -> tuple[int, str | None]:
    """Where a figure ending at ``b`` ends with its unit, and the unit's kind."""
    m = _UNIT_WORDS.match(sentence, b)
    if not m:
        return b, None
    first = m.group(1).lower()
    if m.group(2):
        two = f"{first} {m.group(2).lower()}"
        if two in _UNIT_OF and not _word_goes_on(sentence, m.end()):
            return m.end(), _UNIT_OF[two]
    if first in _UNIT_OF and not _word_goes_on(sentence, m.end(1)):
        return m.end(1), _UNIT_OF[first]
    return b, None


def _word_goes_on(sentence: str, at: int) -> bool:
    return at < len(sentence) and (sentence[at].isalnum() or sentence[at] in "_²")


def _numbers(sentence: str, start: int) -> Iterator[tuple[int, int, str | None]]:
    """Figures with their units as (start, end, unit kind or None)."""
    for m in _number_re().finditer(sentence, start):
        a, b = m.span()
        b, unit = _unit_after(sentence, b)
        if re.match(_CURRENCY_PRE, m.group()):
            unit = "money"
        yield a, b, unit


def _asked_quantities(question: str) -> set[str]:
    text = " " + " ".join(re.findall(r"\w+", question.lower())) + " "
    return {name for name, cues in _CUE_WORDS.items() if any(c in text for c in cues)}


# -- dates and times --------------------------------------------------------------------

@cache
def _date_re() -> re.Pattern:
    month, day = month_pattern(), weekday_pattern()
    return re.compile(
        rf"\b(?:{day},?\s*)?\(\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\)"  # Kamis (14/11/2024)
        rf"|\b(?:{day},?\s+)?\d{{1,2}}\s+{month}(?:\s+\d{{4}})?\b"  # Kamis, 14 November 2024
        rf"|\b{month}\s+\d{{1,2}}(?:,\s*\d{{4}})?\b"  # November 14, 2024
        rf"|\b(?:(?:awal|akhir|pertengahan|early|late|mid-?)\s+)?{month}\s+\d{{4}}\b"
        r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
        r"|\b(?:abad\s+(?:ke-?)?\s*\d+|abad\s+[IVXLC]+|\d{3,4}\s*(?-i:SM|M|BC|AD)\b)"
        r"|(?<![\d.,])(?:1[5-9]|20)\d{2}(?:\s*[-–]\s*(?:1[5-9]|20)?\d{2})?(?![\d.,]\d)"
        rf"|\b(?:{day})\b",
        re.I)


@cache
def _time_re() -> re.Pattern:
    zone = r"WIB|WITA|Wita|WIT|a\.m\.|p\.m\.|AM|PM|am|pm|GMT(?:[+-]\d{1,2})?|UTC|local time|waktu setempat"
    return re.compile(rf"(?:(?<=pukul )|(?<=jam )|(?<=at )|(?<=sekitar ))\d{{1,2}}[.:]\d{{2}}"
                      rf"(?:\s*(?:{zone}))?"
                      rf"|\b\d{{1,2}}(?:[.:]\d{{2}})?\s*(?:{zone})(?![\w])")


# -- names -------------------------------------------------------------------------------

_NAME_WORD = r"(?:[A-Z]\.|[A-Z][\w'’-]*)"
_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:(?:bin|binti|van|von|de|al|el|da|dos|di)\s+)?{_NAME_WORD})*")

_ROLES = frozenset("""presiden wakil sekjen sekretaris jenderal menteri ketua direktur gubernur bupati
walikota wali raja ratu pangeran kaisar sultan jend jenderal kolonel kapten dr prof ir haji hj kh pak
bu bapak ibu kepala komandan manajer humas juru bicara kapolres kapolda kapolri kasat kasi kabid
plt pj brigjen mayjen letjen irjen kombes akbp kompol akp iptu ipda aiptu bripka inf pol tni polri
camat lurah kades ustaz ustadz pelatih kapten sang petahana penantang calon
president vice secretary general minister chairman chairwoman director governor mayor king queen
prince emperor mr mrs ms sir lord saint st chief head spokesman spokeswoman spokesperson coach
captain commander officer senator lt col sgt gen rev former incumbent challenger candidate""".split())
# Words that open the name of a place or an organisation, not a person.
_PLACE_HEADS = frozenset("""kecamatan kabupaten kota desa dusun kelurahan provinsi jalan jl gunung
pulau sungai danau pantai teluk selat stasiun pelabuhan bandara bandar terminal lembang kampung
gor stadion gedung lapangan hotel masjid gereja pura candi pasar taman alun museum istana
mount lake river island province regency district village city street road station port airport
bay gulf strait stadium arena hall mosque church temple market park palace square
central north south east west northern southern eastern western""".split())
# Words that open the name of a law or a document: "Undang-Undang Perlindungan ...".
_LAW_HEADS = frozenset("""undang-undang uu peraturan perpres perppu perda permen keppres inpres
pasal act law bill decree regulation treaty convention""".split())
_ORG_HEADS = frozenset("""pt cv tim badan dinas komisi kementerian lembaga polres polda polsek
pengadilan kejaksaan universitas rumah sakit rsud bank partai dewan majelis mahkamah persatuan
asosiasi yayasan perusahaan ministry agency commission company bank party council court university
hospital police association foundation department office bureau""".split())
_NOT_NAMES = frozenset("""ia dia mereka kami kita saya aku beliau itu ini the a an this that these
those he she it they we i his her its their our in on at of for and but or to from by with as
menurut sementara namun selain hingga sejak setelah sebelum saat ketika pada dalam untuk dengan
adapun sedangkan bahkan tetapi jika kalau meski wib wita wit gmt utc am pm""".split())


_MONTH_OR_DAY = frozenset(MONTHS) | frozenset(WEEKDAYS)
# Who a sentence that opens with one of these is about, the sentence before says.
_PRONOUNS = frozenset("ia dia beliau mereka keduanya he she they both".split())


def opens_with_pronoun(sentence: str) -> bool:
    m = re.match(r"[\s\"'“‘(]*(\w+)", sentence)
    return m is not None and m.group(1).lower() in _PRONOUNS


def _name_words(sentence: str, a: int, b: int) -> list[tuple[int, int, str]]:
    return [(a + m.start(), a + m.end(), m.group().strip(".,").lower())
            for m in re.finditer(r"\S+", sentence[a:b])]


def _names(sentence: str, start: int) -> list[tuple[int, int, str]]:
    """Capitalised runs as (start, end, what): what is 'person', 'place', 'org'
    or 'name'. Leading titles and acronyms are trimmed from persons."""
    out = []
    for m in _NAME.finditer(sentence, start):
        words = _name_words(sentence, *m.span())
        if any(ch.isdigit() for ch in m.group()):
            continue  # "Rp3", "A1": figures and codes, not names
        heads = [w for _, _, w in words]
        if not heads or (len(heads) == 1 and heads[0] in _NOT_NAMES) or heads[0] in ("by", "oleh"):
            continue  # "By Grace Kila": a byline, not a subject
        if heads[0] in _PLACE_HEADS and len(heads) > 1:  # "Kota Banjar", not "Museum ini"
            out.append((m.start(), m.end(), "place"))
            continue
        if heads[0] in _LAW_HEADS:
            continue
        raw = [sentence[x:y].strip(".,") for x, y, _ in words]
        if heads[0] in _MONTH_OR_DAY:
            continue
        if any(h in _ORG_HEADS for h in heads) or all(w.isupper() for w in raw if len(w) > 1):
            out.append((m.start(), m.end(), "org"))
            continue
        # A person: titles and acronyms before the name are dropped
        # ("Sekjen NATO Mark Rutte" -> "Mark Rutte").
        i = 0
        while i < len(words) and (words[i][2] in _ROLES or
                                  (sentence[words[i][0]:words[i][1]].strip(".,").isupper()
                                   and len(words[i][2]) > 1)):
            i += 1
        if i == len(words):
            continue
        a = words[i][0]
        if words[i][2] in _NOT_NAMES:
            continue
        # A single capitalised word opening the sentence is usually not a name.
        sentence_start = not sentence[start:a].strip(" \"'“‘(")
        if len(words) - i == 1 and sentence_start:
            continue
        out.append((a, m.end(), "person" if len(words) - i > 1 or i > 0 else "name"))
    return out


@cache
def _place_prep() -> re.Pattern:
    return re.compile(r"\b(?:di|ke|dari|in|at|to|from|near|dekat|menuju|antara|between)\s+"
                      r"((?:[a-z]+\s+){0,2}" + _NAME.pattern[2:]
                      + r"(?:(?:,\s*|\s+(?:dan|and)\s+)" + _NAME.pattern[2:] + r")*)")


def _body_start(sentence: str) -> int:
    """Where a sentence's own text starts: after its dateline, if it opens with
    one ("JAKARTA, KOMPAS.TV - "); no answer is taken from a dateline."""
    d = dateline(sentence)
    return d.end if d else 0


# -- candidates and choice -----------------------------------------------------------------

def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in others)


def _number_candidates(question: str, sentence: str, start: int) -> list[tuple[int, int, float]]:
    dates = [m.span() for m in _date_re().finditer(sentence)]
    times = [m.span() for m in _time_re().finditer(sentence)]
    wanted = _asked_quantities(question)
    asks_age = re.search(r"\b(?:how old|age|usia|umur)\b", question, re.I)
    counted = _question_nouns(question)
    out = []
    for a, b, unit in _numbers(sentence, start):
        text = sentence[a:b]
        if _overlaps((a, b), times):
            continue
        if re.fullmatch(r"(?:1[5-9]|20)\d{2}", text) or (
                _overlaps((a, b), dates) and not re.search(r"[^\d\s./,–-]", text)):
            continue  # a year or part of a date, not a count
        if re.search(r"\bsalah\s+$", sentence[max(0, a - 6):a], re.I):
            continue  # "salah satu": one of
        if not asks_age and re.match(r"\(\d{1,3}\)", sentence[a - 1:b + 1]):
            continue  # "Sukardi (54)": an age
        if re.fullmatch(r"\d+\s*[-–]\s*\d+", text):
            unit = "score"
        # "Empat penumpang" for "berapa penumpang", "65 unit hunian" for
        # "berapa hunian": the figure counts what was asked.
        names_asked = bool(counted) and bool(
            (m := re.match(r"\s+(\w+)", sentence[b:b + 30]))
            and any(_related(fold(m.group(1)), q) for q in counted))
        weight = 0.0
        if names_asked:
            weight += 1.0
        elif wanted:
            if unit in wanted:
                weight += 1.0
            elif unit is None and "level" in wanted:
                weight += 0.7  # a bare figure: "ke level 6.812"
            elif unit is None and "people" in wanted:
                weight += 0.4  # a count of something not asked for: "12 bus", "satu keluarga"
            elif unit is not None:
                weight -= 0.5
        if _in_parentheses(sentence, a, b):
            weight -= 0.3  # an aside: "(about $185)", "(25-22, 23-25)"
        if re.search(r"\d", text):
            weight += 0.1  # digits are what news counts with; "satu" is often not a count
        out.append((a, b, weight))
    return out


def _question_nouns(question: str) -> list[str]:
    """What "how many X" / "berapa X" counts: the words after it, up to two."""
    m = re.search(r"\b(?:how many|berapa(?: banyak| jumlah)?|jumlah)\s+(\w+)(?:\s+(\w+))?",
                  question, re.I)
    return [fold(w) for w in (m.groups() if m else ())
            if w and w.lower() not in _QUESTION_FILLER and not w.isdigit()]


def _in_parentheses(sentence: str, a: int, b: int) -> bool:
    return sentence.rfind("(", 0, a) > sentence.rfind(")", 0, a) and ")" in sentence[b:]


_UNTIL = re.compile(r"\b(?:until|till|through|hingga|sampai|berlaku)\b", re.I)


def _date_candidates(question: str, sentence: str, start: int) -> list[tuple[int, int, float]]:
    until = _UNTIL.search(question)
    out = []
    for m in _date_re().finditer(sentence, start):
        text = m.group()
        weight = 0.3 if re.search(r"\d", text) else 0.0  # a weekday alone says less
        weight += 0.2 if re.search(r"\d{4}", text) and not re.fullmatch(r"\d{4}", text) else 0.0
        if until and _UNTIL.search(sentence[max(0, m.start() - 20):m.start()]):
            weight += 0.5  # "until when?": the date a period ends
        out.append((m.start(), m.end(), weight))
    return out


# A place name may continue with a lower-case place noun ("Jayapura regency")
# and list more places ("Cibeber dan Cilograng", "Jayapura regency, Nabire and Mimika").
_PLACE_TAIL = (r"(?:\s+(?:regency|province|district|city|village|island|county|state|region))?")
_PLACE_ONE = _NAME.pattern[2:] + _PLACE_TAIL
# An enumeration ends with a conjunction; ", West Java" alone is an apposition.
@cache
def _place_list() -> re.Pattern:
    return re.compile(rf"(?:(?:,\s*{_PLACE_ONE})*,?\s+(?:dan|and|serta)\s+{_PLACE_ONE})?")


def _extend_places(sentence: str, b: int) -> int:
    m = re.compile(_PLACE_TAIL).match(sentence, b)
    b = m.end() if m else b
    listed = _place_list().match(sentence, b)  # the pattern may match empty: always a match
    return listed.end() if listed else b


def _name_candidates(kind: str, question: str, sentence: str,
                     start: int) -> list[tuple[int, int, float]]:
    out = []
    for a, b, what in _names(sentence, start):
        text = sentence[a:b]
        if kind == PERSON:
            weight = {"person": 1.0, "name": 0.5}.get(what)
            # "Kepala BPBD, Aris Setiawan, mengatakan": the name in apposition.
            if weight and re.search(r",\s*$", sentence[:a]) and sentence[b:b + 1] in ",(":
                weight += 0.3
        elif kind == PLACE:
            weight = {"place": 0.9, "name": 0.3, "person": 0.2}.get(what)
            if weight:
                b = _extend_places(sentence, b)
        elif kind == ORG:
            weight = {"org": 1.0, "name": 0.4, "person": 0.2}.get(what)
            if weight is not None and what == "org" and " " not in text:
                weight += 0.2  # "KNKT": an acronym is how news names an agency again
        else:  # NAME
            weight = {"name": 0.8, "org": 0.6, "person": 0.6, "place": 0.4}.get(what)
            head = _asked_noun(question)
            if weight and head and re.search(rf"\b{re.escape(head)}\w*(?:\s+\w+)?\s*$",
                                             sentence[max(0, a - 30):a], re.I):
                weight += 0.5  # "kereta api Argo Cheribon" for "kereta apa"
        if weight is not None:
            out.append((a, b, weight))
    if kind == PLACE:
        heads = [(a, b) for a, b, w in out if w >= 0.9]
        for m in _place_prep().finditer(sentence, start):
            if m.group(1).split()[0].lower() not in _MONTH_OR_DAY:
                a, b = m.start(1), _extend_places(sentence, m.end(1))
                # "di kaki Gunung Meja": as good as the named place it holds
                out.append((a, b, 0.9 if any(a <= x and y <= b for x, y in heads) else 0.8))
        dates = [m.span() for m in _date_re().finditer(sentence)]
        out = [c for c in out if not _overlaps(c[:2], dates)]
    return out


def _asked_noun(question: str) -> str | None:
    """The noun a "which X" / "X apa" question asks a name for."""
    m = re.search(r"\bwhich\s+(\w+)|^\s*(\w+)\s+(?:apa|mana)", question, re.I)
    return (m.group(1) or m.group(2)).lower() if m else None


# What introduces a cause ("karena", "due to"), an occasion that news gives as
# one ("setelah hujan deras ...", "after ..."), or a purpose ("untuk menanam
# padi"): the clause after it answers "why" / "what triggered it".
_CAUSE = re.compile(
    r"\b(?:(?P<cause>karena|akibat|disebabkan(?: oleh)?|dipicu(?: oleh)?|lantaran|gara-gara|"
    r"because(?: of)?|due to|caused by|triggered by|owing to|as a result of)"
    r"|(?P<occasion>setelah|usai|sesudah|after|following)"
    r"|(?P<purpose>untuk|agar|supaya|demi|in order to|so that))\s+", re.I)
# A reason is a clause, longer than a name: cut at its end, or at this many
# characters on a word boundary.
REASON_CHARS = 40
_REASON_WEIGHT = {"cause": 1.0, "occasion": 0.6, "purpose": 0.5}


def _reason_candidates(sentence: str, start: int) -> list[tuple[int, int, float]]:
    out = []
    for m in _CAUSE.finditer(sentence, start):
        a = m.end()
        end = re.search(r"[,;:.!?()\"“”]|\s[-–—]\s|$", sentence[a:])
        b = a + (end.start() if end else len(sentence) - a)
        if b - a > REASON_CHARS:
            cut = sentence.rfind(" ", a, a + REASON_CHARS + 1)
            b = cut if cut > a else a + REASON_CHARS
        if b > a:
            out.append((a, b, _REASON_WEIGHT[m.lastgroup or "cause"]))
    return out


def _candidates(kind: str, question: str, sentence: str) -> list[tuple[int, int, float]]:
    start = _body_start(sentence)
    if kind == REASON:
        return _reason_candidates(sentence, start)
    if kind == NUMBER:
        return _number_candidates(question, sentence, start)
    if kind == DATE:
        return _date_candidates(question, sentence, start) or [
            (*m.span(), 0.0) for m in _time_re().finditer(sentence, start)]
    if kind == TIME:
        return [(*m.span(), 1.0) for m in _time_re().finditer(sentence, start)]
    return _name_candidates(kind, question, sentence, start)


def _related(word: str, qword: str) -> bool:
    """Same word up to its ending ("pays"/"pay", "pilgrims"/"pilgrim")."""
    n = 0
    for x, y in zip(word, qword):
        if x != y:
            break
        n += 1
    return n >= 3 and n >= min(5, len(word), len(qword))


_QUESTION_FILLER = frozenset("""what which who whom whose when where why how many much long the a an
of in on at to is are was were did does do and or for from by with that this it its they their
has have had will would be been apa siapa kapan mana berapa bagaimana mengapa yang di ke dari dan
atau untuk pada dengan itu ini ada adalah oleh""".split())


def load_patterns(question: str) -> None:
    """Build (once) the patterns that reading this question's answers uses."""
    kind = question_type(question)
    if kind is not None:
        _candidates(kind, question, "")


def answer_span(question: str, sentence: str) -> tuple[int, int] | None:
    """Offsets of the likely answer in ``sentence``, or None."""
    found = best_answer(question, sentence)
    return found[0] if found else None


# Ranking reads the answer's kind in the best passages (passage_evidence) and
# the answer step reads it again in the same sentences: read each pair once.
@lru_cache(maxsize=2048)
def best_answer(question: str, sentence: str) -> tuple[tuple[int, int], float] | None:
    """The likely answer in ``sentence`` and how well it fits the question,
    from 1 (the asked kind and quantity: money for "how much ... paid") through
    about 0.5 (the asked kind, no quantity named) to 0 (a figure of another
    quantity), or None.

    A candidate whose words are all in the question is what the question
    already says, not its answer. Among the others, the one of the asked kind
    of quantity (or name) that stands nearest the question's words wins.
    """
    kind = question_type(question)
    if kind is None:
        return None
    qwords = {w.lower() for w in re.findall(r"\w+", question.replace("'s ", " ").replace("’s ", " "))}
    content = [fold(w) for w in qwords if w not in _QUESTION_FILLER and not w.isdigit()]
    anchors = [m.span() for m in re.finditer(r"\w+", sentence)
               if m.group().lower() not in _QUESTION_FILLER
               and any(_related(fold(m.group()), q) for q in content)]
    best, best_score, best_fit = None, -1e9, 0.0
    for a, b, weight in _candidates(kind, question, sentence):
        words = [w.lower() for w in re.findall(r"\w+", sentence[a:b])]
        said = sum(w in qwords for w in words)
        if not words or said == len(words) or (kind not in (NUMBER, DATE, TIME)
                                               and said * 2 >= len(words)):
            continue
        distance = min((_distance(sentence, a, b, x, y) for x, y in anchors), default=None)
        # A figure sits next to what it counts; a name is often what the
        # question mentions rather than asks, so nearness counts less for it.
        reach = 0.5 if kind in (NUMBER, DATE, TIME) else 0.2
        near = 0.0 if distance is None else reach * max(0.0, 1.0 - distance / 80)
        score = weight + near - a / 10000  # ties: the earlier candidate
        if score > best_score:
            best, best_score, best_fit = (a, b), score, _fit(weight, kind)
    return (best, best_fit) if best else None


def _fit(weight: float, kind: str) -> float:
    """A candidate's weight as its fit, 0..1. A figure of the asked quantity
    ("enam orang" for "how many people") fits better than a bare count
    ("satu keluarga"), which fits better than a figure of nothing asked."""
    if kind == NUMBER:
        return min(1.0, 0.5 + weight / 2) if weight >= 0 else 0.0
    return min(1.0, max(0.0, weight + 0.5))


def _distance(sentence: str, a: int, b: int, x: int, y: int) -> int:
    """Characters between a candidate [a, b) and a question word [x, y), plus a
    clause's worth for each comma or bracket between them: the pilgrims' share
    follows "each pilgrim pays", the total sits in another clause."""
    if x >= a and y <= b:
        return 0  # "seven people": the asked word is part of the figure
    gap = sentence[b:x] if x >= b else sentence[y:a]
    return len(gap) + 25 * len(re.findall(r"[,;:()]", gap))
