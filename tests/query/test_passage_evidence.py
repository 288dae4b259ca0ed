"""Ranking evidence beyond the match itself (assistant.query.passage_evidence):
an article's lead passage, and a passage holding the kind of answer asked for.

Each test stages two passages whose cosines differ by less than the bonus, with
no keyword evidence, and checks that the evidence decides between them (and
that without the question, i.e. without the evidence, the other one leads).
"""

import json

import numpy as np
import pytest

from assistant.app.service import IndexRequest
from assistant.query.passage_evidence import ANSWER_KIND_WEIGHT, LEAD_WEIGHT, add_passage_evidence
from assistant.query.retrieval import coverage_weight, fuse


@pytest.fixture
def reader(tmp_path, make_service):
    rows = [
        # Two paragraphs of one story: the lead and a later paragraph.
        {"id": "story", "title": "Longsor di Desa Sukamaju",
         "text": "Longsor menimbun enam rumah di Desa Sukamaju pada Kamis pagi.\n\n"
                 "Tim gabungan masih membersihkan material longsor di jalan desa."},
        # Two lead paragraphs, one with a figure and one without.
        {"id": "figure", "title": "Pengungsi Banjir",
         "text": "Sebanyak 356 warga mengungsi ke balai desa setelah banjir."},
        {"id": "no-figure", "title": "Banjir Surut",
         "text": "Warga mengungsi ke balai desa setelah banjir melanda kampung."},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows))
    svc = make_service()  # the hash embedder
    svc.index(IndexRequest([str(feed)]))
    return svc.reader


def _ids(reader) -> dict[tuple[str, int], int]:
    """(article id, passage ordinal) -> passage id, for every passage."""
    every = [pid for pid, _ in reader.search_dense(_unit(reader), 100)]
    return {(h.article.id, h.ordinal): pid for pid, h in reader.passages(every).items()}


def _order(reader, dense, question):
    """Passage ids as fused from staged cosines, no keyword evidence."""
    ranked, _ = fuse(reader, [], _unit(reader), dense, [], question=question)
    return [c.passage_id for c in ranked]


def _unit(reader):
    v = np.zeros(reader.dim, dtype=np.float32)
    v[0] = 1.0
    return v


def test_the_lead_passage_wins_a_near_tie_within_its_article(reader):
    with reader.snapshot():
        ids = _ids(reader)
        lead, later = ids[("story", 0)], ids[("story", 1)]
        gap = coverage_weight(reader) * LEAD_WEIGHT / 2  # less than the lead's bonus
        dense = [(later, 0.80), (lead, 0.80 - gap)]
        question = "apa yang terjadi di Desa Sukamaju?"  # asks for no kind of answer
        assert _order(reader, dense, None) == [later, lead]
        assert _order(reader, dense, question) == [lead, later]


def test_a_passage_holding_the_asked_kind_of_answer_wins_a_near_tie(reader):
    with reader.snapshot():
        ids = _ids(reader)
        figure, plain = ids[("figure", 0)], ids[("no-figure", 0)]  # both leads
        gap = coverage_weight(reader) * ANSWER_KIND_WEIGHT / 4
        dense = [(plain, 0.80), (figure, 0.80 - gap)]
        assert _order(reader, dense, None) == [plain, figure]
        assert _order(reader, dense, "Berapa warga yang mengungsi?") == [figure, plain]
        # A question that asks for no figure leaves the order to the match.
        assert _order(reader, dense, "Mengapa warga mengungsi?") == [plain, figure]


def test_the_bonus_is_bounded_and_nothing_without_weight(reader):
    from assistant.query.retrieval import Candidate

    with reader.snapshot():
        ids = _ids(reader)
        cands = [Candidate(pid, 0.5, dense=0.5) for pid in ids.values()]
        add_passage_evidence(reader, "Berapa warga yang mengungsi?", cands, 0.0)
        assert all(c.score == 0.5 for c in cands)
        w = coverage_weight(reader)
        add_passage_evidence(reader, "Berapa warga yang mengungsi?", cands, w)
        for c in cands:
            assert 0.0 <= c.score - 0.5 <= w * (LEAD_WEIGHT + ANSWER_KIND_WEIGHT) + 1e-9


def test_the_answer_sentence_is_chosen_without_the_ranking_bonus():
    """The answer is the best sentence of the top citations, weighed with each
    passage's score; the lead and answer-kind bonus helped rank the passages
    but is not counted again there (the sentence's own fit is)."""
    from assistant.query.answers import PASSAGE_WEIGHT, RANK_PENALTY, Evidence, assemble
    from assistant.query.options import Query
    from assistant.query.retrieval import Candidate
    from assistant.results import ArticleRef
    from assistant.store.records import PassageHit

    def hit(pid, text):
        ref = ArticleRef(f"a{pid}", None, None, None, None, "feed.jsonl")
        return PassageHit(pid, pid, 0, 1, 0, len(text), text, ref)

    hits = {1: hit(1, "Banjir melanda kampung nelayan."),
            2: hit(2, "Warga mengungsi ke balai desa.")}
    # [1] leads on keywords; [2] matches better in meaning and was brought
    # close by its bonus. Without the bonus [1] answers, with it [2] would.
    first = Candidate(1, 0.80, dense=0.70, evidence=0.0)
    second = Candidate(2, 0.79, dense=0.76, evidence=0.03)
    with_bonus = [c.dense + PASSAGE_WEIGHT * c.score - n * RANK_PENALTY
                  for n, c in enumerate((first, second))]
    assert with_bonus[1] > with_bonus[0]  # the staging is what the test says
    result = assemble(Query("apa yang terjadi?", mode="hybrid"), Evidence([first, second], hits),
                      None, None, True)
    assert result.answer is not None and result.answer.citation == 1
