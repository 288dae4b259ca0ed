"""Passages carry their article's context (title, lead) for matching, not for citing."""

from assistant.ingest.context import MAX_CONTEXT_CHARS, passage_contexts, with_context
from assistant.text.analysis import fts_body, own_terms

LEAD = "SLEMAN, KOMPAS.TV - Jembatan baru di Sleman dibuka pada Senin. Warga menyambutnya."
PASSAGES = [LEAD, "Bentang sepanjang 1,4 kilometer itu dapat dilalui tanpa biaya.",
            "Pengelola memperkirakan 20.000 kendaraan melintas setiap hari."]


def test_every_passage_gets_the_title():
    assert passage_contexts("Jembatan Sleman Dibuka", PASSAGES) == ["Jembatan Sleman Dibuka"] * 3


def test_later_passages_can_get_the_lead_too():
    ctx = passage_contexts("Jembatan Sleman Dibuka", PASSAGES, parts=("title", "lead"))
    assert ctx[0] == "Jembatan Sleman Dibuka"
    lead = "SLEMAN, KOMPAS.TV - Jembatan baru di Sleman dibuka pada Senin"
    assert ctx[1] == ctx[2] == f"Jembatan Sleman Dibuka. {lead}"


def test_title_already_in_the_passage_is_not_repeated():
    # A .jsonl article without a title is titled by its lead, cut with an ellipsis.
    assert passage_contexts("SLEMAN, KOMPAS.TV - Jembatan baru di Sleman…", PASSAGES) == [""] * 3
    assert passage_contexts(None, ["Satu paragraf saja, tanpa judul."]) == [""]


def test_context_is_bounded_by_the_model_window():
    ctx = passage_contexts("Judul " * 200, PASSAGES, max_passage_chars=1000, parts=("title", "lead"))
    assert all(len(c) <= MAX_CONTEXT_CHARS for c in ctx)
    assert all(len(c) <= 200 // 4 for c in passage_contexts("Judul " * 200, PASSAGES, 200))


def test_embedded_text_and_keyword_body_hold_the_context_after_the_passage_terms():
    assert with_context("", "teks") == "teks"
    assert with_context("Judul", "teks").endswith("teks")
    body = fts_body("Bentang sepanjang 1,4 kilometer", "Jembatan Kapuas")
    assert "kapuas" in body.split()
    assert own_terms(body) == fts_body("Bentang sepanjang 1,4 kilometer").split()
