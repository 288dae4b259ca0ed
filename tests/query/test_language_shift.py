"""A question's pull to its own language is taken out of ranking: an English
question about an Indonesian article is not answered by an English article
of another story because both are English."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.app.service import IndexRequest
from assistant.embedders.hashing import HashEmbedder
from assistant.query.languages import (
    ENGLISH,
    MIN_PASSAGES,
    OTHER,
    language_shifts,
    passage_language,
    updated_means,
    usable_means,
)
from assistant.query.options import Query
from assistant.store.manifest import manifest_problems
from assistant.text.analysis import fts_body, is_english
from assistant.text.normalize import fold, words

from helpers.common import write


class LanguageBiased(HashEmbedder):
    """Hashed words plus a strong component for the text's language: the way a
    multilingual model scores any two texts of one language closer."""

    def _vector(self, text: str) -> np.ndarray:
        v = super()._vector(text)
        lang = np.zeros(self.dim, dtype=np.float32)
        lang[0 if is_english([fold(w) for w in words(text)]) else 1] = 1.2
        v = v + lang
        return v / np.linalg.norm(v)


FLOOD_ID = "Banjir merendam 300 rumah di Sukamaju, dan warga Sukamaju mengungsi."
FESTIVAL_EN = "Crowds came to Redville for the music festival, the organisers said."
QUESTION = "How many houses were flooded in Sukamaju?"


def collection(root):
    docs = root / "docs"
    write(docs / "banjir-sukamaju.txt", f"Banjir Sukamaju\n\n{FLOOD_ID}\n")
    write(docs / "festival-redville.txt", f"Redville festival\n\n{FESTIVAL_EN}\n")
    for i in range(MIN_PASSAGES + 5):  # enough passages for each language's mean
        write(docs / f"id-{i}.txt", f"Pasar {i}\n\nPasar ikan nomor {i} dibuka kembali oleh "
                                     f"pedagang yang sudah lama menunggu.\n")
        write(docs / f"en-{i}.txt", f"Market {i}\n\nThe fish market number {i} opened again "
                                     f"for the traders, who had waited for it.\n")
    return docs


@pytest.fixture
def biased_service(make_service, tmp_path):
    svc = make_service(emb=LanguageBiased())
    svc.index(IndexRequest([str(collection(tmp_path))]))
    return svc


def first_article(svc, question=QUESTION, mode="dense"):
    """The article retrieval ranks first (the answer step may then put the
    answer's citation first, which would hide what ranking did)."""
    from assistant.query.retrieval import retrieve

    reader = svc.reader
    with reader.snapshot():
        vector = svc.query_embedder().embed_queries([question])[0]
        [best] = retrieve(reader, Query(question, k=1, mode=mode), vector)
        return reader.passages([best.passage_id])[best.passage_id].article.title


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_a_question_in_another_language_finds_the_story_it_asks_about(biased_service, mode):
    assert first_article(biased_service, mode=mode) == "Banjir Sukamaju"


def first_article_with(svc, means):
    import assistant.query.retrieval as retrieval

    original = retrieval.usable_means
    retrieval.usable_means = lambda recorded: usable_means(means)
    try:
        return first_article(svc)
    finally:
        retrieval.usable_means = original


def test_without_the_means_the_questions_own_language_wins(biased_service):
    # What ranking did before, and does on an index built before the means.
    assert first_article_with(biased_service, means=None) == "Redville festival"


def test_the_index_records_each_languages_mean(biased_service):
    means = biased_service.reader.language_means
    assert means[ENGLISH]["n"] >= MIN_PASSAGES and means[OTHER]["n"] >= MIN_PASSAGES
    assert "language_means" not in manifest_problems({"dim": "256",
                                                      "language_means": json.dumps(means)})
    wrong = {ENGLISH: {"n": 3, "mean": [0.1] * 63}}
    assert "language_means" in manifest_problems({"dim": "256", "language_means": json.dumps(wrong)})


def test_an_update_adds_its_passages_to_the_means(biased_service, tmp_path):
    before = biased_service.reader.language_means[OTHER]["n"]
    write(tmp_path / "docs" / "banjir-lagi.txt",
          "Banjir lagi\n\nBanjir kembali merendam rumah warga di desa itu pada Senin pagi.\n")
    biased_service.index(IndexRequest([str(tmp_path / "docs")]))
    with biased_service.reader.snapshot():
        assert biased_service.reader.language_means[OTHER]["n"] == before + 1


def test_an_older_index_gets_means_only_from_a_rebuild(make_service, tmp_path):
    svc = make_service()
    svc.index(IndexRequest([str(collection(tmp_path))]))
    reader = svc.reader
    reader.conn.execute("DELETE FROM manifest WHERE key = 'language_means'")
    write(tmp_path / "docs" / "baru.txt", "Baru\n\nPasar ikan dibuka kembali di kota itu.\n")
    svc.index(IndexRequest([str(tmp_path / "docs")]))
    with svc.reader.snapshot():
        assert svc.reader.language_means is None  # not a mean of the newest passages alone
    svc.index(IndexRequest([str(tmp_path / "docs")], rebuild=True))
    with svc.reader.snapshot():
        assert svc.reader.language_means[OTHER]["n"] >= MIN_PASSAGES


def test_passage_language_reads_the_stored_terms():
    assert passage_language(fts_body(FESTIVAL_EN)) == ENGLISH
    assert passage_language(fts_body(FLOOD_ID)) == OTHER
    # An Indonesian passage quoting an English title stays Indonesian.
    quoting = "Film The Lord of the Rings itu diputar lagi di bioskop yang ada di kota ini."
    assert passage_language(fts_body(quoting)) == OTHER


def test_shifts_take_out_the_pull_of_the_questions_language():
    means = {ENGLISH: np.array([1.0, 0.0], np.float32), OTHER: np.array([0.0, 1.0], np.float32)}
    q = np.array([0.8, 0.6], np.float32)  # likes English passages 0.2 more
    bodies = {1: fts_body(FESTIVAL_EN), 2: fts_body(FLOOD_ID)}
    shifts = language_shifts(means, q, bodies)
    assert shifts[1] == pytest.approx(0.2) and shifts[2] == 0.0
    assert language_shifts({OTHER: means[OTHER]}, q, bodies) == {}  # one language: nothing


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([ENGLISH, OTHER]), min_size=1, max_size=30), st.integers(0, 30))
def test_running_means_equal_the_mean_of_every_passage_added(languages, split):
    rng = np.random.default_rng(len(languages) * 31 + split)
    vectors = rng.normal(size=(len(languages), 4)).astype(np.float32)
    split = min(split, len(languages))
    first = updated_means(None, vectors[:split], languages[:split]) if split else None
    both = updated_means(first, vectors[split:], languages[split:])
    for lang in set(languages):
        rows = vectors[[i for i, x in enumerate(languages) if x == lang]]
        assert both[lang]["n"] == len(rows)
        assert np.allclose(both[lang]["mean"], rows.mean(axis=0), atol=1e-5)
