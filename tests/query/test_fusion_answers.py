"""Hybrid fusion, keyword evidence, stemming, answer types and spans, on small fixtures."""

import json

import numpy as np
import pytest

from assistant.app.service import IndexRequest
from assistant.query.answer_types import answer_span, question_type
from assistant.query.options import Query
from assistant.query.passage_evidence import ANSWER_KIND_WEIGHT, LEAD_WEIGHT
from assistant.query.retrieval import coverage_weight, keyword_evidence, retrieve, term_weights
from assistant.text.analysis import query_terms

from helpers.common import write

# A tiny embedder whose "meaning" is a fixed concept table shared by English and
# Indonesian words, so cross-lingual matches can be staged exactly.
CONCEPTS = {
    "troops": 0, "tentara": 0, "soldiers": 0, "pasukan": 0,
    "sent": 1, "dikirim": 1, "dikirimkan": 1, "kirim": 1,
    "rice": 2, "beras": 2, "padi": 2,
    "price": 3, "harga": 3,
    "kursk": 4, "korea": 5, "utara": 5,
}


class ConceptEmbedder:
    model_id = "hash-16"  # reuses the hash model's thresholds
    dim = 16
    max_passage_chars = 1000

    def _vec(self, text):
        v = np.full(self.dim, 0.05, dtype=np.float32)
        for w in text.lower().replace("?", " ").replace(".", " ").split():
            if w in CONCEPTS:
                v[CONCEPTS[w]] += 1.0
        return v / np.linalg.norm(v)

    def embed_queries(self, texts):
        return np.stack([self._vec(t) for t in texts])

    def embed_passages(self, texts):
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


@pytest.fixture
def svc(tmp_path, make_service):
    rows = [
        {"id": "troops", "text": "Sebanyak 12.000 tentara Korea Utara telah dikirimkan ke Kursk."},
        {"id": "rice", "text": "Harga beras naik di pasar karena panen padi gagal."},
        {"id": "weak", "text": "Berapa banyak orang datang ke pasar malam itu tidak diketahui."},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows))
    s = make_service(emb=ConceptEmbedder())
    s.index(IndexRequest([str(feed)]))
    return s


def test_english_question_is_ranked_by_meaning_not_shared_words(svc):
    # No English word occurs in the articles: keyword evidence is nil, dense decides.
    r = svc.ask("how many troops were sent?", k=3)
    assert r.citations[0].article.id == "troops"


def test_a_weak_keyword_match_cannot_outvote_a_strong_dense_match(svc):
    reader = svc.reader
    emb = svc.query_embedder()
    q = "berapa banyak tentara dikirim"
    qv = emb.embed_queries([q])[0]
    with reader.snapshot():
        cands = retrieve(reader, Query(q, k=3, mode="hybrid"), qv)
        arts = {c.passage_id: h.article.id for c, h in
                zip(cands, reader.passages([c.passage_id for c in cands]).values())}
    top = cands[0]
    assert reader.passages([top.passage_id])[top.passage_id].article.id == "troops"
    # The bonus is bounded: keyword coverage, plus the lead and answer-kind
    # evidence (tests/query/test_passage_evidence.py), each a share of the same weight.
    bound = coverage_weight(reader) * (1 + LEAD_WEIGHT + ANSWER_KIND_WEIGHT)
    for c in cands:
        assert 0.0 <= c.score - c.dense <= bound + 1e-9
    assert len(arts) == 3


def test_keyword_evidence_counts_terms_missing_from_the_corpus(svc):
    reader = svc.reader
    with reader.snapshot():
        ids = [pid for pid, _ in reader.search_keyword(query_terms("harga beras", reader.analyzer), 5)]
        weights, known = term_weights(reader, query_terms("harga beras"))
        full = keyword_evidence(weights, reader.keyword_bodies(ids))
        weights, unknown = term_weights(reader, query_terms("harga beras bitcoin ethereum"))
        diluted = keyword_evidence(weights, reader.keyword_bodies(ids))
    best = max(full, key=full.get)
    assert full[best] == pytest.approx(1.0)
    assert 0 < diluted[best] < 0.6  # unknown words weigh in the denominator
    assert known == pytest.approx(1.0) and 0 < unknown < 0.6  # share of the question the articles know


def test_stemming_matches_affixed_forms(svc):
    assert query_terms("Berapa tentara yang dikirim?") == ["tentara", "kirim"]
    r = svc.ask("pengiriman tentara", mode="keyword")
    assert r.citations[0].article.id == "troops"


def test_reindexing_an_index_with_an_older_analyzer_rederives_keywords(tmp_path, make_service):
    from assistant.store.local import sqlite as db

    write(tmp_path / "d" / "a.txt", "Tentara dikirimkan ke perbatasan pada malam hari.\n")
    s = make_service()
    s.index(IndexRequest([str(tmp_path / "d")]))
    conn = db.connect(str(tmp_path / "index" / "index.sqlite3"))
    conn.execute("UPDATE manifest SET value = 'plain' WHERE key = 'analyzer'")
    conn.execute("UPDATE passages_fts SET body = 'tentara dikirimkan'")
    conn.close()
    s.close()
    assert s.ask("kirim", mode="keyword").citations == []  # plain index: no stem match
    s.index()
    assert s.ask("kirim", mode="keyword").citations


@pytest.mark.parametrize("question,sentence,expected", [
    ("how many troops were sent?",
     "Korea Selatan dan Ukraina mengungkapkan 12.000 tentara Korea Utara telah dikirimkan ke Kursk.",
     "12.000"),
    ("berapa tentara yang dikirim?", "Sebanyak 12.000 tentara dikirim pada 14/11/2024.", "12.000"),
    ("where were the troops sent?",
     "12.000 tentara Korea Utara telah dikirimkan ke Kursk yang berbatasan dengan Ukraina.", "Kursk"),
    ("who is the NATO Secretary General?",
     "“China memikul tanggung jawab khusus,” kata Sekjen NATO Mark Rutte, Kamis (14/11/2024).",
     "Mark Rutte"),
    ("kapan Pyongyang dan Beijing menjalin hubungan?",
     "Sejak Pyongyang dan Beijing menjalin hubungan diplomatik pada 1949, hubungan mereka dekat.",
     "1949"),
    ("Berapakah catatan waktu terbaik Darling?",
     "Catatan waktu terbaiknya, 49,07 detik, dibuat di Berlin, 12 September 2004.", "49,07 detik"),
    ("Dimana letak Universitas Cape Town?", "Letaknya di kaki Gunung Meja.", "kaki Gunung Meja"),
])
def test_answer_spans(question, sentence, expected):
    span = answer_span(question, sentence)
    assert span is not None and sentence[span[0]:span[1]] == expected


def test_question_types():
    assert question_type("how many troops?") == "number"
    assert question_type("Kapan perang dimulai?") == "date"
    assert question_type("Siapakah presiden pertama?") == "person"
    assert question_type("Di mana Kursk?") == "place"
    # the particle -kah on any question word
    assert question_type("Ke manakah tentara dikirim?") == "place"
    assert question_type("Dari manakah asal kopi ini?") == "place"
    assert question_type("Tahun berapakah perang dimulai?") == "date"
    assert question_type("Mengapa harga naik?") == "reason"
    # a "why" with no cause, occasion or purpose in the sentence has no span
    assert answer_span("Mengapa harga naik?", "Harga naik 10 persen.") is None
    assert question_type("Apa itu Kursk?") is None


def test_answer_has_span_offsets_into_answer_text(svc):
    r = svc.ask("how many troops were sent?")
    a = r.answer
    assert a is not None and a.span is not None
    assert a.text[a.span.start:a.span.end] == "12.000"


def test_unrelated_question_is_not_found_and_still_lists_weak_passages(svc):
    r = svc.ask("zebra xylophone quantum")
    assert r.found is False and r.answer is None
    assert r.citations  # nearest passages are still shown


# The answer is one sentence among unrelated ones: diluted as a passage.
DILUTED_AND_VAGUE = [
    {"id": "diluted", "text": "Harga beras naik di pasar. Padi gagal panen, harga beras dan "
                              "harga padi naik lagi. Sebanyak 12.000 tentara dikirimkan ke Kursk."},
    {"id": "vague", "text": "Tentara disebut dalam laporan yang panjang."},
]


def _indexed(tmp_path, make_service, rows, emb=None):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows))
    s = make_service(emb=emb) if emb is not None else make_service()
    s.index(IndexRequest([str(feed)]))
    return s


def _diluted_and_vague(tmp_path, make_service):
    return _indexed(tmp_path, make_service, DILUTED_AND_VAGUE, ConceptEmbedder())


def test_rerank_lifts_a_passage_whose_best_sentence_answers(tmp_path, make_service):
    s = _diluted_and_vague(tmp_path, make_service)
    plain = s.ask("troops sent Kursk", k=2, mode="dense")
    reranked = s.ask("troops sent Kursk", k=2, mode="dense", rerank=2)
    assert plain.citations[0].article.id == "vague"
    assert reranked.citations[0].article.id == "diluted"


def test_auto_rerank_rescores_by_sentence_when_the_question_is_in_another_language(
        tmp_path, make_service):
    s = _diluted_and_vague(tmp_path, make_service)
    # Mostly English words the Indonesian articles do not use: the best
    # sentence is added to each top passage's score. (Here the one shared name,
    # Kursk, already puts the diluted passage first: this model's cosines
    # spread widely, so keyword evidence weighs much.)
    auto = s.ask("troops sent Kursk", k=2, rerank="auto")
    off = s.ask("troops sent Kursk", k=2)  # the default: off
    assert auto.citations[0].article.id == "diluted"
    assert [c.article.id for c in off.citations] == ["diluted", "vague"]
    # its best sentence, "Sebanyak 12.000 tentara dikirimkan ke Kursk", holds
    # all three of the question's concepts
    assert auto.citations[0].score - off.citations[0].score > 0.9


def test_auto_rerank_leaves_a_question_in_the_articles_language_alone(tmp_path, make_service,
                                                                   monkeypatch):
    from assistant.query import retrieval

    s = _diluted_and_vague(tmp_path, make_service)
    calls = []
    original = retrieval.rerank_by_sentence
    monkeypatch.setattr(retrieval, "rerank_by_sentence",
                        lambda *a, **kw: calls.append(a[-1]) or original(*a, **kw))
    s.ask("tentara laporan", k=2, rerank="auto")
    s.ask("troops sent Kursk", k=2)
    assert calls == []
    s.ask("troops sent Kursk", k=2, rerank="auto")
    assert calls == [retrieval.CROSS_LINGUAL_RERANK]


def test_keyword_search_matches_english_singular_and_plural(tmp_path, make_service):
    s = _indexed(tmp_path, make_service, [
        {"id": "singular", "text": "A troop of soldiers marched to the border at dawn."},
        {"id": "other", "text": "The election was held in the spring and it was quiet."},
    ])
    # "troops" only meets "troop" once English plurals are folded on both sides.
    r = s.ask("how many troops were there?", mode="keyword")
    assert [c.article.id for c in r.citations] == ["singular"]


def test_keyword_bonus_follows_the_spread_of_the_models_cosines(svc):
    """The index records how widely its model spreads cosines; the keyword bonus
    scales with it, so a model with wide-spread cosines still gets keyword
    evidence that counts (e5's own spread gives the tuned weight)."""
    from assistant.query.relevance import dense_scale
    from assistant.query.retrieval import COVERAGE_WEIGHT, REFERENCE_SCALE, SPREAD_POWER

    reader = svc.reader
    with reader.snapshot():
        recorded = reader.dense_scale
    assert recorded == pytest.approx(dense_scale(svc.query_embedder()), abs=1e-4)
    assert coverage_weight(reader) == pytest.approx(
        COVERAGE_WEIGHT * (recorded / REFERENCE_SCALE) ** SPREAD_POWER, rel=1e-6)


def test_a_sentence_that_opens_with_a_pronoun_answers_with_the_sentence_before():
    """"Ia dinobatkan sebagai pemain terbaik final." names nobody: a who
    question's answer is that sentence with the one before, which does."""
    from assistant.query.answers import best_sentences
    from assistant.store.records import PassageHit

    text = ("Garda Pelita Jaya, Andika Saputra, mencetak 27 poin dan 8 asis. "
            "Ia dinobatkan sebagai pemain terbaik final.")
    hit = PassageHit(passage_id=1, article_rowid=1, ordinal=2, paragraph=3, start=0, end=len(text),
                     text=text, article=None)
    [(span, _)] = best_sentences(None, "Siapa pemain terbaik final?", None, [hit], [None])
    assert text[slice(*span)] == text


def _two_citations(question: str, first: str, second: str, articles: str = "aa"):
    from assistant.query.answers import Evidence, assemble
    from assistant.query.retrieval import Candidate
    from assistant.results import ArticleRef
    from assistant.store.records import PassageHit

    def article(name: str) -> ArticleRef:
        return ArticleRef(id=name, title="KA anjlok", source=None, date=None, url=None, path=name)

    hits = {pid: PassageHit(passage_id=pid, article_rowid=1, ordinal=pid, paragraph=pid, start=0,
                            end=len(text), text=text, article=article(name))
            for pid, text, name in ((1, first, articles[0]), (2, second, articles[1]))}
    candidates = [Candidate(1, 0.50), Candidate(2, 0.49)]
    return assemble(Query(question, mode="keyword"), Evidence(candidates, hits), None, None,
                    found=True)


def test_the_answers_citation_goes_first_when_it_holds_the_better_answer():
    """Two passages of one story score alike; the second holds the asked
    figure ("386 orang" for "how many passengers"), the first only a count of
    something else: the answer's passage is [1]."""
    result = _two_citations("How many passengers were on the train?",
                            "Penumpang dipindahkan menggunakan 12 bus ke Cirebon.",
                            "Total penumpang di dalam kereta sebanyak 386 orang.")
    assert [c.passage_id for c in result.citations] == [2, 1]
    assert [c.n for c in result.citations] == [1, 2]
    assert result.answer.citation == 1 and "386" in result.answer.text


def test_citations_keep_their_order_when_the_first_answers_as_well():
    result = _two_citations("How many passengers were on the train?",
                            "Sebanyak 380 orang naik dari Gambir.",
                            "Total penumpang di dalam kereta sebanyak 386 orang.")
    assert [c.passage_id for c in result.citations] == [1, 2]


def test_another_storys_passage_goes_first_only_over_one_without_any_answer():
    question = "How many passengers were on the train?"
    exact = "Total penumpang di dalam kereta sebanyak 386 orang."
    kept = _two_citations(question, "Penumpang dipindahkan menggunakan 12 bus ke Cirebon.", exact,
                          articles="ab")
    assert [c.passage_id for c in kept.citations] == [1, 2]
    moved = _two_citations(question, "Penumpang dipindahkan ke Stasiun Cirebon dengan bus.", exact,
                           articles="ab")
    assert [c.passage_id for c in moved.citations] == [2, 1]
