"""An English <-> Indonesian lexicon for keyword evidence across languages.

An English question over Indonesian articles shares few words with the
paragraph that answers it: the verbs and nouns of the event are in the other
language. The table (data/lexicon-eng-ind.tsv, derived from FreeDict's
English-Indonesian dictionary by benchmarks/tuning/lexicon.py; CC BY-SA 3.0,
see data/LICENSE-lexicon.txt) gives each English headword its Indonesian
translations as keyword terms (Sastrawi roots, as an Indonesian article's words
are indexed); read the other way it gives an Indonesian root its English
headwords.

English words reach a headword through ``lemmas``: a small rule set for
inflections (plurals, -ed, -ing, -er/-est, -ly) and a short table of irregular
forms, each candidate checked against the headwords. The table loads only for
a question that needs it (retrieval.translations), once per process.
"""

from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("data") / "lexicon-eng-ind.tsv"
INVERTED = TABLE.with_name("lexicon-ind-eng.tsv")

# Irregular English forms -> their lemma (general English, not any set's words).
_IRREGULAR = dict(pair.split(":") for pair in """
went:go gone:go took:take taken:take gave:give given:give made:make said:say found:find
held:hold left:leave lost:lose paid:pay sent:send sold:sell spent:spend told:tell
thought:think brought:bring bought:buy caught:catch built:build began:begin begun:begin
broke:break broken:break came:come chose:choose chosen:choose drove:drive driven:drive
fell:fall fallen:fall flew:fly flown:fly froze:freeze frozen:freeze got:get gotten:get
grew:grow grown:grow hid:hide hidden:hide kept:keep knew:know known:know led:lead met:meet
ran:run rose:rise risen:rise saw:see seen:see shot:shoot stole:steal stolen:steal
struck:strike swept:sweep threw:throw thrown:throw won:win wore:wear worn:wear wrote:write
written:write fought:fight fled:flee sank:sink sunk:sink burnt:burn dealt:deal meant:mean
felt:feel heard:hear stood:stand became:become ate:eat eaten:eat drew:draw drawn:draw
spoke:speak spoken:speak woke:wake woken:wake bore:bear born:bear tore:tear torn:tear
children:child people:person men:man women:woman feet:foot teeth:tooth mice:mouse
lives:life wives:wife knives:knife leaves:leaf halves:half thieves:thief
better:good best:good worse:bad worst:bad
""".split())
_VOWELS = set("aeiou")


def lemmas(word: str) -> list[str]:
    """Candidate lemmas of a folded English word, most likely first: the word
    itself, an irregular form's lemma, then inflections taken off (the caller
    keeps the first that is a headword)."""
    w = word
    out = [w]
    if w in _IRREGULAR:
        out.append(_IRREGULAR[w])

    def strip(suffix: str, *adds: str) -> None:
        if len(w) >= len(suffix) + 2 and w.endswith(suffix):
            base = w[: -len(suffix)]
            for add in adds:
                out.append(base + add)
            if len(base) > 2 and base[-1] == base[-2] and base[-1] not in _VOWELS:
                out.append(base[:-1])  # stopped -> stop, running -> run

    strip("ies", "y")
    strip("es", "", "e")
    if not w.endswith("ss"):
        strip("s", "")
    strip("ied", "y")
    strip("ed", "", "e")
    strip("ing", "", "e")
    strip("iest", "y")
    strip("est", "", "e")
    strip("ier", "y")
    strip("er", "", "e")
    strip("ily", "y")
    strip("ly", "")
    return list(dict.fromkeys(out))


class _Table:
    """A sorted "key<TAB>a,b,c" file, read as one string and searched by
    bisection: no dictionary of 8,000 entries is built for a question that
    looks up ten words (a cold `ask` reads it in about a millisecond)."""

    def __init__(self, path: Path) -> None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        body = text.find("\n", text.rfind("\n#")) if "\n#" in text else 0
        self._text = "\n" + text[body:].strip("\n") + "\n"

    def get(self, key: str) -> tuple[str, ...]:
        text, lo, hi = self._text, 0, len(self._text) - 1
        while hi - lo > 1:
            start = text.rfind("\n", lo, (lo + hi) // 2 + 1)
            end = text.find("\n", start + 1, hi + 1)
            head, _, rest = text[start + 1:end].partition("\t")
            if key == head:
                return tuple(rest.split(","))
            if key < head:
                hi = start
            else:
                lo = end
        return ()


@cache
def _forward() -> _Table:
    return _Table(TABLE)


@cache
def _inverted() -> _Table:
    return _Table(INVERTED)


def headword(word: str) -> str | None:
    """The headword an English word is a form of, if any."""
    table = _forward()
    return next((lemma for lemma in lemmas(word) if table.get(lemma)), None)


def to_indonesian(word: str) -> tuple[str, ...]:
    """Indonesian keyword terms for a folded English word (a phrase's terms
    joined by spaces), in the dictionary's order; () when it has none."""
    head = headword(word)
    return _forward().get(head) if head else ()


def to_english(term: str) -> tuple[str, ...]:
    """English headwords for an Indonesian keyword term (a Sastrawi root)."""
    return _inverted().get(term)


def english_forms(lemma: str) -> list[str]:
    """The keyword terms an English article may hold for ``lemma``: the S-stemmer
    folds plurals only, so a verb's -ed and -ing forms stay as written."""
    forms = [lemma]
    base = lemma[:-1] if lemma.endswith("e") else lemma
    forms += [lemma + "d" if lemma.endswith("e") else lemma + "ed", base + "ing"]
    if lemma.endswith("y") and len(lemma) > 3 and lemma[-2] not in _VOWELS:
        forms.append(lemma[:-1] + "ied")
    return forms
