"""Sentence vectors stored at index time: a question embeds only itself.

Embedding the sentences of the cited passages when a question was asked cost
85-90 % of a warm `ask` (benchmarks/quality/peers.py --profile); the index now
stores them with each passage of two sentences or more."""


import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.app.service import IndexRequest
from assistant.store import sentence_vectors
from assistant.store.local.reader import LocalReader
from assistant.text.sentences import sentence_spans

from helpers.common import as_older_schema, json_lines, run_cli, write

STORY = """Banjir Rendam Semarang

Banjir merendam lima kecamatan di Kota Semarang pada Jumat pagi. \
Sebanyak 1.200 warga mengungsi ke masjid dan sekolah. Ketinggian air mencapai satu meter.

Wali kota meminta warga yang tinggal di bantaran sungai tetap waspada malam ini.
"""


def sentence_counts(index_dir) -> dict[int, tuple[str, int]]:
    reader = LocalReader(str(index_dir))
    with reader.snapshot():
        texts = {pid: hit.text for pid, hit in reader.passages(list(range(1, 50))).items()}
        stored = reader.sentence_vectors(list(texts))
    reader.close()
    return {pid: (text, len(stored[pid]) if pid in stored else 0) for pid, text in texts.items()}


def test_passages_of_several_sentences_store_one_vector_a_sentence(tmp_path, make_service):
    write(tmp_path / "docs" / "banjir.txt", STORY)
    svc = make_service()
    summary = svc.index(IndexRequest([str(tmp_path / "docs")]))
    assert summary.sentences == 3  # the three sentences of the first paragraph
    counts = sentence_counts(tmp_path / "index")
    for text, n in counts.values():
        spans = sentence_spans(text)
        assert n == (len(spans) if len(spans) > 1 else 0), text


def test_a_warm_question_embeds_no_sentence(tmp_path, make_service, embedder):
    write(tmp_path / "docs" / "banjir.txt", STORY)
    svc = make_service()
    svc.index(IndexRequest([str(tmp_path / "docs")]))
    svc.ask("berapa warga mengungsi?")  # loads the background, warms caches
    before = embedder.passages_embedded
    result = svc.ask("berapa warga yang mengungsi akibat banjir di Semarang?", rerank=15)
    assert embedder.passages_embedded == before
    assert result.answer is not None and "1.200" in result.answer.text


def test_unchanged_passages_keep_their_sentence_vectors(tmp_path, make_service, embedder):
    doc = write(tmp_path / "docs" / "banjir.txt", STORY)
    svc = make_service()
    svc.index(IndexRequest([str(doc.parent)]))
    write(doc, STORY + "\nBantuan logistik dari provinsi tiba pada Sabtu siang di posko. "
               "Dapur umum dibuka di halaman kantor kecamatan.\n")
    before = embedder.passages_embedded
    second = svc.index(IndexRequest([str(doc.parent)]))
    assert (second.updated, second.embedded, second.sentences) == (1, 1, 2)  # the new paragraph only
    assert embedder.passages_embedded - before == 3
    assert all(n == (len(sentence_spans(t)) if len(sentence_spans(t)) > 1 else 0)
               for t, n in sentence_counts(tmp_path / "index").values())


def test_a_schema_4_index_answers_and_gains_sentence_vectors_on_rebuild(tmp_path):
    """An index made before sentence vectors (the column taken out of a new one)
    answers as before, embedding the cited sentences; its next update
    migrates it and a rebuild stores them."""
    docs = tmp_path / "docs"
    write(docs / "banjir.txt", STORY)
    ix = tmp_path / "ix"
    assert run_cli("index", docs, "--index-dir", ix, "--model", "hash", "-q").returncode == 0
    as_older_schema(ix, 4, "sentences")
    r = run_cli("ask", "berapa warga mengungsi?", "--json", "--index-dir", ix)
    assert r.returncode == 0, r.stderr
    assert "1.200" in json_lines(r.stdout)[0]["answer"]["text"]
    write(docs / "kedua.txt", "Gempa Kecil\n\nGempa kecil terasa di Salatiga. Tidak ada kerusakan.\n")
    assert run_cli("index", docs, "--index-dir", ix, "-q").returncode == 0
    assert any(n for _, n in sentence_counts(ix).values())
    assert run_cli("index", docs, "--index-dir", ix, "--rebuild", "-q").returncode == 0
    assert sum(n for _, n in sentence_counts(ix).values()) == 5
    assert run_cli("info", "--check", "--index-dir", ix).returncode == 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.floats(-1, 1, allow_nan=False), min_size=8, max_size=8),
                min_size=1, max_size=6))
def test_packing_keeps_every_vector_to_float16_precision(rows):
    vectors = np.asarray(rows, dtype=np.float32)
    unpacked = sentence_vectors.unpack(sentence_vectors.pack(vectors), 8)
    assert unpacked is not None and unpacked.shape == vectors.shape
    assert np.allclose(unpacked, vectors, atol=1e-3)
    assert sentence_vectors.unpack(b"", 8) is None
    assert sentence_vectors.unpack(b"\x00" * 3, 8) is None
