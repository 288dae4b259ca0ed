"""`assistant eval` on a news_dev-style folder: field mapping, follow-ups asked
as a conversation, per-group figures, gold compared as displayed."""

import json

from helpers.common import run_cli, write

FLOOD = """Banjir Demak

DEMAK, KOMPAS.TV - Banjir merendam 12 desa di Kabupaten Demak, Jawa Tengah, pada Senin.

Sebanyak 3.400 warga mengungsi ke balai desa dan masjid terdekat.
"""
MARKET = """---
title: Stocks close higher
---
Indonesian stocks **closed higher** on Tuesday, led by banks.

The main index rose 1.2 percent to a record close.
"""


def news_folder(tmp_path):
    root = tmp_path / "news"
    write(root / "articles" / "banjir-demak.txt", FLOOD)
    write(root / "articles" / "stocks.md", MARKET)
    questions = [
        {"q": "Berapa warga mengungsi akibat banjir Demak?", "lang": "id",
         "gold": "3.400 warga mengungsi", "answer": "3.400", "article": "banjir-demak.txt",
         "kind": "number"},
        {"q": "and how many villages were flooded?", "lang": "en", "follow_up": True,
         "gold": "Banjir merendam 12 desa", "answer": "12", "article": "banjir-demak.txt",
         "kind": "number"},
        # Markdown emphasis is compared as displayed: "**closed higher**" reads "closed higher".
        {"q": "Did Indonesian stocks close higher on Tuesday?", "lang": "en",
         "gold": "Indonesian stocks closed higher on Tuesday", "answer": "closed higher",
         "article": "stocks.md", "kind": "other"},
    ]
    write(root / "questions.jsonl", "\n".join(json.dumps(q) for q in questions) + "\n")
    write(root / "offtopic.jsonl", json.dumps({"q": "zebra xylophone quantum"}) + "\n")
    return root


def test_eval_reads_a_news_folder_and_asks_follow_ups_in_one_conversation(tmp_path):
    root = news_folder(tmp_path)
    index_dir = tmp_path / "index"
    assert run_cli("index", root / "articles", "--index-dir", index_dir,
                   "--model", "hash").returncode == 0
    r = run_cli("eval", root, "--index-dir", index_dir, "--json", "--details")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert (rep["questions"], rep["answerable"], rep["unanswerable"]) == (4, 3, 1)
    details = rep["details"]
    assert details[1]["context"] == ["Berapa warga mengungsi akibat banjir Demak?"]
    assert details[0]["context"] == [] and details[2]["context"] == []
    assert details[2]["rank"] is not None  # gold matched through the Markdown markup
    assert set(rep["by_language"]) == {"id→id", "en→id", "en→en"}
    assert set(rep["by_kind"]) == {"number", "other"}
    assert rep["by_kind"]["number"]["questions"] == 2
    for key in ("span_accuracy", "answerable_found", "not_found_recall"):
        assert rep[key] is not None
    human = run_cli("eval", root, "--index-dir", index_dir)
    assert "en→id" in human.stdout and "answer span holds it" in human.stdout


def test_a_span_longer_than_40_characters_does_not_count(tmp_path):
    from assistant.app.eval_sets import EvalQuestion
    from assistant.app.evaluation import evaluate
    from assistant.results import Answer, ArticleRef, AskResult, Citation, Span

    sentence = "x" * 45 + " 3.400"

    class Canned:
        def __init__(self, span):
            self.span = span

        def ask(self, question, **_):
            article = ArticleRef("a", None, None, None, None, "a.txt")
            cite = Citation(1, 1.0, sentence, 1, 0, len(sentence), 1, Span(0, len(sentence)), article)
            return AskResult(question, True, Answer(sentence, 1, Span(*self.span)), [cite], "hybrid")

    q = [EvalQuestion(question="berapa?", gold_text="3.400", answers=["3.400"])]
    wide = evaluate(lambda: Canned([0, len(sentence)]), q, "f", "hybrid", 10)
    narrow = evaluate(lambda: Canned([46, len(sentence)]), q, "f", "hybrid", 10)
    assert wide.answer_accuracy == narrow.answer_accuracy == 1.0
    assert (wide.span_accuracy, narrow.span_accuracy) == (0.0, 1.0)
