"""The language of a passage, and the pull of a question's own language.

A multilingual model scores a question higher against any passage in the
question's own language than against one in another, whatever either says:
an English question about an Indonesian article finds the English article of
a neighbouring story first. The index keeps each language's mean passage
vector; a question's similarity to that mean is how much it likes that
language's passages before reading them. Ranking takes out the difference
between languages (``language_shifts``), so that passages compete on what
they say. Within one language nothing changes, nor in a collection of one
language. Measured on news_dev (benchmarks/RESULTS.md): English questions
over Indonesian articles gain the most.

Two classes: English and the rest (the collections are Indonesian and
English). A language gets a mean once enough passages hold it.
"""

import numpy as np

from assistant.text.analysis import ENGLISH_WORDS, is_english, own_terms

ENGLISH, OTHER = "en", "other"
# Indonesian function words as the keyword index stores them (Sastrawi roots:
# "sebagai" is "bagai"): a passage that quotes an English title ("Film The Lord
# of the Rings itu diputar ...") is still Indonesian.
_INDONESIAN = frozenset("""yang dan di ke dari untuk dengan pada dalam ini itu adalah akan
tidak juga atau oleh bagai telah karena bahwa para sudah bisa namun saat""".split())
# Below this many passages a language's mean is too noisy to correct anything.
MIN_PASSAGES = 20


def passage_language(fts_body: str) -> str:
    """The language of a passage, read from its stored keyword terms (the same
    at index time and at query time)."""
    terms = own_terms(fts_body)
    if not is_english(terms):
        return OTHER
    english = sum(1 for t in terms if t in ENGLISH_WORDS)
    return ENGLISH if english > sum(1 for t in terms if t in _INDONESIAN) else OTHER


def updated_means(previous: dict | None, vectors: np.ndarray, languages: list[str]) -> dict:
    """Each language's passage count and mean vector after adding ``vectors``
    (one row a passage, in ``languages``) to ``previous`` (None: a new index).
    A running mean: passages later removed stay in it until a rebuild, which
    moves a mean of many passages by a share too small to matter."""
    out = {lang: dict(v) for lang, v in (previous or {}).items()}
    for lang in sorted(set(languages)):
        rows = vectors[[i for i, x in enumerate(languages) if x == lang]]
        before = out.get(lang, {"n": 0, "mean": None})
        n = before["n"] + len(rows)
        total = rows.sum(axis=0, dtype=np.float64)
        if before["mean"] is not None:
            total += np.asarray(before["mean"], dtype=np.float64) * before["n"]
        out[lang] = {"n": n, "mean": [round(float(x), 6) for x in total / n]}
    return out


def usable_means(recorded: dict | None) -> dict[str, np.ndarray]:
    """The recorded means (``reader.language_means``) that hold enough passages."""
    return {lang: np.asarray(v["mean"], dtype=np.float32)
            for lang, v in (recorded or {}).items() if v["n"] >= MIN_PASSAGES}


def language_shifts(means: dict[str, np.ndarray], query_vector: np.ndarray,
                    bodies: dict[int, str]) -> dict[int, float]:
    """For each passage (id -> stored FTS body), what to take off its cosine:
    how much more the question likes its language than the language it likes
    least. Empty when the index has fewer than two languages with a mean."""
    if len(means) < 2:
        return {}
    pull = {lang: float(mean @ query_vector) for lang, mean in means.items()}
    floor = min(pull.values())
    return {pid: pull.get(passage_language(body), floor) - floor for pid, body in bodies.items()}
