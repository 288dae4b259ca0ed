"""FAISS index kinds: exact, IVF-SQ8, IVF-PQ and HNSW keep incremental updates
working, agree with the database, and switch without re-embedding."""

import pytest

from assistant.app.service import IndexRequest
from assistant.embedders.hashing import HashEmbedder
from assistant.store.local import vectors as vec

from helpers.common import write


@pytest.fixture
def embedder():
    return HashEmbedder(dim=256)  # fewer hash collisions: ties would make "right" ambiguous


def corpus(folder, n: int, start: int = 0):
    for i in range(start, start + n):
        write(folder / f"a{i:03d}.txt",
              f"Berita nomor {i} tentang kota{i} dan warga{i % 7} yang merayakan pesta{i}.\n")


@pytest.mark.parametrize("kind", ["flat", "ivf", "ivf-pq", "hnsw"])
def test_each_kind_indexes_searches_adds_and_removes(tmp_path, make_service, embedder, kind):
    docs = tmp_path / "docs"
    corpus(docs, 300)
    svc = make_service()
    svc.index(IndexRequest([str(docs)], index_type=kind))
    info = svc.info()
    assert (info.index_type, info.index_type_setting, info.vector_count) == (kind, kind, 300)
    assert svc.verify() == []
    hit = svc.ask("kota123 pesta123", mode="dense", k=3).citations[0]
    assert "nomor 123 " in hit.text
    # Incremental: remove ten, add five, change one.
    for i in range(10):
        (docs / f"a{i:03d}.txt").unlink()
    corpus(docs, 5, start=300)
    write(docs / "a050.txt", "Berita yang berubah sama sekali tentang gunung meletus.\n")
    s = svc.index(IndexRequest([str(docs)]))  # the kind is remembered
    assert (s.added, s.removed, s.updated) == (5, 10, 1)
    assert svc.info().index_type == kind and svc.info().vector_count == 295
    assert svc.verify() == []
    assert "nomor 302 " in svc.ask("kota302 pesta302", mode="dense", k=3).citations[0].text
    # Hybrid: an HNSW graph may miss a vector unlike all others (as hashed words
    # are) in dense search alone; keyword search still finds it.
    assert "gunung" in svc.ask("gunung meletus", k=1).citations[0].text


def test_changing_the_kind_reuses_stored_vectors(tmp_path, make_service, embedder):
    docs = tmp_path / "docs"
    corpus(docs, 200)
    svc = make_service()
    svc.index(IndexRequest([str(docs)], index_type="flat"))
    embedded = embedder.passages_embedded
    for kind in ("ivf", "hnsw", "flat"):
        s = svc.index(IndexRequest([str(docs)], index_type=kind))
        assert s.embedded == 0 and embedder.passages_embedded == embedded
        assert svc.info().index_type == kind and svc.verify() == []
        assert "nomor 77 " in svc.ask("kota77 pesta77", mode="dense", k=3).citations[0].text


def test_auto_switches_to_ivf_when_the_collection_grows(tmp_path, make_service, monkeypatch):
    monkeypatch.setattr(vec, "FLAT_MAX", 100)
    docs = tmp_path / "docs"
    corpus(docs, 80)
    svc = make_service()
    svc.index(IndexRequest([str(docs)]))
    assert (svc.info().index_type, svc.info().index_type_setting) == ("flat", "auto")
    corpus(docs, 60, start=80)
    svc.index(IndexRequest([str(docs)]))
    assert svc.info().index_type == "ivf" and svc.verify() == []
    assert "nomor 130 " in svc.ask("kota130 pesta130", mode="dense", k=3).citations[0].text


def test_cells_and_probes_follow_the_size():
    assert vec.cells_for(1_000_000) == 2048
    assert vec.cells_for(100) == 2  # never more cells than the data can train
    assert vec.nprobe_for(2048) == 64 and vec.nprobe_for(4) == 4
    assert vec.choose_kind("auto", 10) == "flat"
    assert vec.choose_kind("auto", vec.FLAT_MAX + 1) == "ivf"
