"""Item 18: the work on one question is bounded, whatever its length: the
terms looked up in the index, the text embedded and the text the answer-kind
patterns read. A 2,000-character question of random words used to cost seven
times a normal one."""

import random
import string

from assistant.query import answer_types
from assistant.text.analysis import query_terms

from helpers.common import run_cli, sample_hash_index

MAX_QUERY_TERMS = 32  # keywords.MAX_QUERY_TERMS
MAX_EMBEDDED_CHARS = 400  # pipeline.MAX_EMBEDDED_CHARS


def random_question(seed: int = 7, chars: int = 2000) -> str:
    rnd = random.Random(seed)
    words: list[str] = []
    while len(" ".join(words)) < chars:
        words.append("".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(3, 9))))
    return " ".join(words)[:chars]


def test_the_terms_of_a_long_question_are_capped_and_keep_their_order():
    terms = query_terms(random_question())
    assert len(terms) <= MAX_QUERY_TERMS
    q = random_question()
    assert terms == sorted(terms, key=q.index)  # in the question's order
    assert min(map(len, terms)) >= 8  # the longest words are the ones kept


def test_the_answer_kind_patterns_read_the_start_only():
    assert answer_types.question_type("where did it happen " + random_question()) == "place"
    assert answer_types.question_type(random_question(chars=500) + " where") is None


def test_a_long_question_through_ask_looks_up_few_terms_and_embeds_little(tmp_path, monkeypatch):
    """Through the service `ask` calls: what reaches the index and the model."""
    from assistant.app.service import Assistant
    from assistant.app.settings import Settings
    from assistant.embedders.hashing import HashEmbedder

    ix = sample_hash_index(tmp_path)
    svc = Assistant(Settings(index_dir=str(ix), sample_dir="none"))
    embedded: list[str] = []
    real = HashEmbedder.embed_queries
    monkeypatch.setattr(HashEmbedder, "embed_queries",
                        lambda self, texts: (embedded.extend(texts), real(self, texts))[1])
    looked_up: list[list[str]] = []
    reader = svc.reader
    real_dfs = reader.doc_freqs
    monkeypatch.setattr(reader, "doc_freqs", lambda terms: (looked_up.append(list(terms)),
                                                            real_dfs(terms))[1])
    svc.ask(random_question())
    assert embedded and max(map(len, embedded)) <= MAX_EMBEDDED_CHARS
    assert looked_up and max(map(len, looked_up)) <= MAX_QUERY_TERMS
    svc.close()


def test_a_long_question_is_answered_by_the_cli(tmp_path):
    ix = sample_hash_index(tmp_path)
    r = run_cli("ask", random_question(), "--json", "--index-dir", ix)
    assert r.returncode in (0, 4), r.stderr


def test_the_caps_named_here_are_the_code_s():
    from assistant.query import pipeline
    from assistant.text import analysis as keywords

    assert keywords.MAX_QUERY_TERMS == MAX_QUERY_TERMS
    assert pipeline.MAX_EMBEDDED_CHARS == MAX_EMBEDDED_CHARS
