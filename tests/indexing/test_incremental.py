"""Incremental updates: only added and changed articles are embedded."""

import json
import os

from assistant.app.service import IndexRequest
from assistant.query.relevance import background_sentences

from helpers.common import write


def article(i: int, extra: str = "") -> str:
    return (f"Artikel nomor {i} membahas topik {i} secara rinci.\n"
            f"Paragraf kedua artikel {i} menyebut angka {i * 7} dan kota nomor {i}.{extra}\n")


def test_add_change_delete_embeds_only_what_changed(tmp_path, make_service, embedder):
    docs = tmp_path / "docs"
    for i in range(5):
        write(docs / f"a{i}.txt", article(i))
    svc = make_service()
    first = svc.index(IndexRequest([str(docs)]))
    assert (first.added, first.updated, first.removed, first.unchanged) == (5, 0, 0, 0)
    passages_before = embedder.passages_embedded
    # A new index also embeds the fixed relevance background, once, and the
    # sentences of passages with more than one.
    assert first.embedded + first.sentences + len(background_sentences()) == passages_before
    assert first.embedded > 0

    write(docs / "a5.txt", article(5))  # added
    write(docs / "a1.txt", article(1, " Kalimat baru ditambahkan."))  # changed
    os.unlink(docs / "a2.txt")  # deleted
    calls_before = embedder.calls
    second = svc.index(IndexRequest([str(docs)]))
    assert (second.added, second.updated, second.removed, second.unchanged) == (1, 1, 1, 3)
    # New article: all its passages; changed article: only its changed passage.
    new_passages = embedder.passages_embedded - passages_before
    assert new_passages == second.embedded + second.sentences
    assert 1 <= second.embedded <= 2
    assert embedder.calls - calls_before == 1  # one batch

    info = svc.info()
    assert info.articles == 5
    assert info.passages == second.passages
    assert svc.verify() == []

    third = svc.index(IndexRequest([str(docs)]))
    assert (third.added, third.updated, third.removed, third.unchanged, third.embedded) == (0, 0, 0, 5, 0)


def test_unchanged_files_are_not_read(tmp_path, make_service, monkeypatch):
    docs = tmp_path / "docs"
    for i in range(3):
        write(docs / f"a{i}.txt", article(i))
    svc = make_service()
    svc.index(IndexRequest([str(docs)]))
    import builtins

    opened = []
    real_open = builtins.open

    def spy(path, *a, **kw):
        opened.append(str(path))
        return real_open(path, *a, **kw)

    monkeypatch.setattr(builtins, "open", spy)
    svc.index(IndexRequest([str(docs)]))
    assert not any(p.endswith(".txt") for p in opened)


def test_touched_but_identical_file_is_not_reembedded(tmp_path, make_service, embedder):
    doc = write(tmp_path / "docs" / "a.txt", article(1))
    svc = make_service()
    svc.index(IndexRequest([str(doc.parent)]))
    before = embedder.passages_embedded
    os.utime(doc, ns=(1, 1))
    s = svc.index(IndexRequest([str(doc.parent)]))
    assert (s.unchanged, s.embedded) == (1, 0)
    assert embedder.passages_embedded == before


def test_jsonl_is_incremental_per_line(tmp_path, make_service, embedder):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"n{i}", "text": article(i)} for i in range(4)]
    feed.write_text("\n".join(json.dumps(r) for r in rows))
    svc = make_service()
    assert svc.index(IndexRequest([str(feed)])).added == 4
    rows[2]["text"] = article(2, " Pembaruan.")
    rows.append({"id": "n9", "text": article(9)})
    del rows[0]
    feed.write_text("\n".join(json.dumps(r) for r in rows))
    before = embedder.passages_embedded
    s = svc.index(IndexRequest([str(feed)]))
    assert (s.added, s.updated, s.removed, s.unchanged) == (1, 1, 1, 2)
    assert embedder.passages_embedded - before == s.embedded + s.sentences and s.embedded <= 3
    assert {a.id for a in svc.articles()} == {"n1", "n2", "n3", "n9"}


def test_no_paths_rescans_recorded_folders(tmp_path, make_service):
    docs = tmp_path / "docs"
    write(docs / "a.txt", article(1))
    svc = make_service()
    svc.index(IndexRequest([str(docs)]))
    write(docs / "b.txt", article(2))
    s = svc.index()
    assert s.added == 1 and s.roots == [str(docs)]


def test_other_roots_are_kept(tmp_path, make_service):
    a = write(tmp_path / "one" / "a.txt", article(1))
    b = write(tmp_path / "two" / "b.txt", article(2))
    svc = make_service()
    svc.index(IndexRequest([str(a.parent)]))
    s = svc.index(IndexRequest([str(b.parent)]))
    assert (s.added, s.removed, s.articles) == (1, 0, 2)


def test_rebuild_starts_over(tmp_path, make_service, embedder):
    docs = tmp_path / "docs"
    write(docs / "a.txt", article(1))
    svc = make_service()
    svc.index(IndexRequest([str(docs)]))
    s = svc.index(IndexRequest([str(docs)], rebuild=True))
    assert (s.added, s.unchanged, s.articles) == (1, 0, 1)
    assert svc.verify() == []


def test_bad_files_are_skipped_and_keep_the_run_going(tmp_path, make_service):
    docs = tmp_path / "docs"
    write(docs / "good.txt", article(1))
    write(docs / "empty.txt", "")
    (docs / "image.gif").write_bytes(b"GIF89a\x00\x00")
    (docs / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # read by OCR: damaged
    (docs / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    write(docs / ".hidden.txt", article(3))
    s = make_service().index(IndexRequest([str(docs)]))
    assert s.added == 1
    reasons = {os.path.basename(x.path): x.reason for x in s.skipped}
    assert set(reasons) == {"empty.txt", "image.gif", "image.png", "bin.txt"}
    assert "unsupported" in reasons["image.gif"] and "binary" in reasons["bin.txt"]
    assert reasons["image.png"].startswith(("damaged or unreadable image", "an image"))


def test_a_file_that_turns_bad_keeps_its_articles(tmp_path, make_service):
    doc = write(tmp_path / "docs" / "a.txt", article(1))
    svc = make_service()
    svc.index(IndexRequest([str(doc.parent)]))
    doc.write_bytes(b"\x00\x00garbage")
    s = svc.index(IndexRequest([str(doc.parent)]))
    assert s.removed == 0 and s.articles == 1 and len(s.skipped) == 1


def test_an_update_with_nothing_to_do_never_reads_the_vector_file(tmp_path, make_service,
                                                                  monkeypatch):
    from assistant.store.local import vectors as vec

    docs = tmp_path / "docs"
    write(docs / "a.txt", "Banjir merendam kota pada hari Jumat.\n")
    svc = make_service()
    svc.index(IndexRequest([str(docs)]))

    def refuse(path):
        raise AssertionError(f"read {path}")

    monkeypatch.setattr(vec, "load_index", refuse)
    s = svc.index(IndexRequest([str(docs)]))
    assert (s.unchanged, s.added, s.embedded) == (1, 0, 0)


def test_passages_are_embedded_shortest_first(tmp_path, make_service, embedder):
    docs = tmp_path / "docs"
    write(docs / "a.txt", "Kalimat yang sangat panjang sekali tentang banjir besar di kota "
                          "Semarang yang merendam ribuan rumah warga pada hari Jumat malam.\n\n"
                          "Pendek saja di sini ya.\n\n"
                          "Kalimat sedang tentang gempa di Cianjur kemarin.\n")
    seen = []
    original = embedder.embed_passages
    embedder.embed_passages = lambda texts: seen.extend(texts) or original(texts)
    make_service().index(IndexRequest([str(docs)]))
    background = set(background_sentences())
    passages = [t for t in seen if t not in background]
    assert len(passages) == 4  # two passages, and the two sentences of the second
    assert passages == sorted(passages, key=len)  # a padded batch wastes little
