"""Index files: generations, model records, damage and mismatches."""

import os

import pytest

from assistant.app.service import IndexRequest
from assistant.embedders.hashing import HashEmbedder
from assistant.errors import CorruptIndexError, IndexBusyError, ModelMismatchError
from assistant.store.local.files import exclusive_lock

from helpers.common import write


@pytest.fixture
def built(tmp_path, make_service):
    write(tmp_path / "docs" / "a.txt", "Gempa mengguncang kota pada pagi hari.\nWarga panik keluar rumah.\n")
    svc = make_service()
    svc.index(IndexRequest([str(tmp_path / "docs")]))
    return svc


def test_each_update_writes_a_new_generation_and_prunes_old_ones(tmp_path, built):
    docs = tmp_path / "docs"
    for i in range(3):
        write(docs / f"n{i}.txt", f"Berita tambahan nomor {i} tentang banjir.\n")
        built.index(IndexRequest([str(docs)]))
    files = sorted(f for f in os.listdir(built.index_dir) if f.startswith("vectors."))
    assert files == ["vectors.3.faiss", "vectors.4.faiss"]  # current and previous
    assert built.info().vector_count == built.info().passages


def test_index_records_model_and_dimension(built):
    info = built.info()
    assert (info.model, info.dim) == ("hash-64", 64)


def test_update_with_another_model_is_refused(tmp_path, built, make_service):
    other = make_service(emb=HashEmbedder(dim=32))
    with pytest.raises(ModelMismatchError, match="--rebuild"):
        other.index(IndexRequest([str(tmp_path / "docs")]))
    assert other.index(IndexRequest([str(tmp_path / "docs")], rebuild=True)).articles == 1


def test_ask_with_another_model_is_refused(built, make_service):
    other = make_service(model="hash-32")
    with pytest.raises(ModelMismatchError, match="hash-64"):
        other.ask("gempa")


def test_garbage_vector_file_is_reported(built):
    path = os.path.join(built.index_dir, "vectors.1.faiss")
    built.close()
    with open(path, "wb") as f:
        f.write(b"garbage" * 10)
    with pytest.raises(CorruptIndexError, match="vectors.1.faiss.*--rebuild"):
        built.ask("gempa")


def test_truncated_vector_file_is_reported(built):
    path = os.path.join(built.index_dir, "vectors.1.faiss")
    built.close()
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])
    with pytest.raises(CorruptIndexError, match="--rebuild"):
        built.ask("gempa")


def test_damaged_database_is_reported_and_rebuild_recovers(tmp_path, built):
    db = os.path.join(built.index_dir, "index.sqlite3")
    built.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    with open(db, "wb") as f:
        f.write(b"this is not a database" * 100)
    with pytest.raises(CorruptIndexError, match="index.sqlite3.*--rebuild"):
        built.ask("gempa")
    built.close()
    s = built.index(IndexRequest([str(tmp_path / "docs")], rebuild=True))
    assert s.articles == 1
    assert built.ask("gempa").citations


def test_newer_schema_is_refused(built):
    built.reader.conn.execute("UPDATE manifest SET value = '99' WHERE key = 'schema_version'")
    built.close()
    with pytest.raises(CorruptIndexError, match="newer"):
        built.ask("gempa")


def test_second_writer_fails_fast_with_no_wait(built, tmp_path):
    with exclusive_lock(os.path.join(built.index_dir, "index.lock")):
        with pytest.raises(IndexBusyError, match="being updated"):
            built.index(IndexRequest([str(tmp_path / "docs")], wait=False))


def test_readers_follow_committed_updates(tmp_path, built):
    assert built.info().articles == 1
    write(tmp_path / "docs" / "b.txt", "Banjir besar melanda desa di tepi sungai.\n")
    from assistant.app.service import Assistant

    other = Assistant(built.settings, embedder=built._embedder)
    other.index()
    assert built.info().articles == 2  # the open reader sees the new generation
    assert "Banjir" in built.ask("banjir desa sungai", mode="keyword").citations[0].text


def test_a_first_build_that_never_committed_counts_as_no_index(tmp_path, make_service):
    from assistant.errors import NoIndexError
    from assistant.store.local import sqlite as db

    ix = tmp_path / "ix"
    ix.mkdir()
    conn = db.connect(str(ix / "index.sqlite3"), create=True)
    db.create_schema(conn)  # what a build killed before its commit leaves behind
    conn.close()
    svc = make_service(index_dir=ix)
    assert not svc.has_index()
    with pytest.raises(NoIndexError, match="assistant index"):
        svc.ask("anything")
    from assistant.store.local.reader import LocalReader

    with pytest.raises(NoIndexError, match="did not finish"):
        LocalReader(str(ix))
    write(tmp_path / "docs" / "a.txt", "Sebuah artikel pendek tentang cuaca hari ini.\n")
    assert svc.index(IndexRequest([str(tmp_path / "docs")])).articles == 1


def test_missing_vector_file_is_reported(built):
    os.unlink(os.path.join(built.index_dir, "vectors.1.faiss"))
    built.close()
    with pytest.raises(CorruptIndexError, match="vectors.1.faiss is missing.*--rebuild"):
        built.ask("gempa")
