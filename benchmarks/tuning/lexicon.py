"""Derive assistant/query/data/lexicon-eng-ind.tsv from FreeDict's
English–Indonesian dictionary (Debian package dict-freedict-eng-ind, FreeDict
+ WikDict edition 2022.11.18, from Wiktionary via DBnary; CC BY-SA 3.0).

    apt-get install dict-freedict-eng-ind   # /usr/share/dictd/freedict-eng-ind.*
    python -m benchmarks.tuning.lexicon [--check]

One line per English headword (a single lower-case word, any part of speech;
affix entries left out): the headword, a tab, then its translations in the
order the dictionary gives them (at most MAX_TRANSLATIONS), comma-separated,
each written as the keyword terms an Indonesian article gives those words
(``keywords.analyze``: folded, Sastrawi roots; function words dropped), a
phrase's terms joined by spaces. The runtime reads this file only
(assistant/query/lexicon.py); it never needs the Debian package.
--check compares the shipped file with what the dictionary gives now
(tests/query/test_lexicon.py runs it when the package is installed).
"""

import argparse
import gzip
import re
import sys
from pathlib import Path

from assistant.text.analysis import ANALYZER, STOPWORDS, stem
from assistant.text.normalize import fold, tokens

DICT = Path("/usr/share/dictd/freedict-eng-ind.dict.dz")
INDEX = Path("/usr/share/dictd/freedict-eng-ind.index")
OUT = Path(__file__).resolve().parents[2] / "assistant" / "query" / "data" / "lexicon-eng-ind.tsv"
INVERTED = OUT.with_name("lexicon-ind-eng.tsv")
MAX_TRANSLATIONS = 6
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_HEAD = re.compile(r"^(?P<word>.+?)\s+(?:/[^/]*/\s*)*(?:<(?P<pos>[^>]*)>)?\s*$")
_SENSE = re.compile(r"^\d+\.\s+")
_TRAILING_NUMBER = re.compile(r"\s+\d+\.$")

HEADER = f"""# English -> Indonesian keyword terms (analyzer {ANALYZER}), derived by
# benchmarks/tuning/lexicon.py from the FreeDict English-Bahasa Indonesia
# FreeDict+WikDict dictionary, edition 2022.11.18 (Karl Bartel; WikDict,
# http://www.wikdict.com/, from Wiktionary via DBnary), Debian package
# dict-freedict-eng-ind. Licensed under the Creative Commons
# Attribution-ShareAlike 3.0 Unported licence
# (https://creativecommons.org/licenses/by-sa/3.0/); this derived table is
# shared under the same licence (see LICENSE-lexicon.txt beside it).
"""


def _b64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + _B64.index(c)
    return n


def entries(dict_path: Path = DICT, index_path: Path = INDEX):
    """(headword, part of speech, [translation, ...]) for each dictionary entry."""
    data = gzip.decompress(dict_path.read_bytes())
    for line in index_path.read_text(encoding="utf-8").splitlines():
        head, off, length = line.split("\t")
        if head.startswith("00database"):
            continue
        text = data[_b64(off):_b64(off) + _b64(length)].decode("utf-8")
        lines = text.split("\n")
        m = _HEAD.match(lines[0])
        pos = (m.group("pos") or "") if m else ""
        trans, expect = [], True  # the line after the head, then any "N. ..." line
        for ln in lines[1:]:
            if expect or (_SENSE.match(ln) and not ln.startswith(" ")):
                body = _TRAILING_NUMBER.sub("", _SENSE.sub("", ln)).strip()
                trans += [t.strip() for t in body.split(",") if t.strip()]
            expect = False
        yield head, pos, trans


def _terms(phrase: str) -> str:
    out = [stem(fold(w)) for w in tokens(phrase)]
    return " ".join(t for t in out if t and t not in STOPWORDS and t.isalpha())


def build() -> tuple[str, str]:
    """The English -> Indonesian table and the inverted one (an Indonesian term ->
    the English headwords whose translations are that one word, in headword order)."""
    table: dict[str, list[str]] = {}
    for head, pos, trans in entries():
        if "suffix" in pos or "prefix" in pos or not re.fullmatch(r"[a-z]+", head):
            continue
        if head in STOPWORDS:
            continue
        row = table.setdefault(head, [])
        for t in trans:
            terms = _terms(t)
            if terms and terms not in row:
                row.append(terms)
    kept = {h: row[:MAX_TRANSLATIONS] for h, row in sorted(table.items()) if row}
    inverted: dict[str, list[str]] = {}
    for h, row in kept.items():
        for t in row:
            if " " not in t:
                inverted.setdefault(t, []).append(h)
    forward = HEADER + "\n".join(f"{h}\t{','.join(row)}" for h, row in kept.items()) + "\n"
    back_header = HEADER.replace("English -> Indonesian keyword terms",
                                 "Indonesian keyword term -> English headwords")
    back = (back_header + "\n".join(f"{t}\t{','.join(hs)}" for t, hs in sorted(inverted.items())) + "\n")
    return forward, back


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing")
    args = ap.parse_args()
    forward, back = build()
    if args.check:
        same = OUT.read_text(encoding="utf-8") == forward and INVERTED.read_text(encoding="utf-8") == back
        print("same" if same else f"{OUT} or {INVERTED} differs from what the dictionary gives")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(forward, encoding="utf-8")
    INVERTED.write_text(back, encoding="utf-8")
    print(f"{OUT}: {forward.count(chr(10)) - HEADER.count(chr(10))} headwords; "
          f"{INVERTED}: {back.count(chr(10)) - HEADER.count(chr(10))} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
