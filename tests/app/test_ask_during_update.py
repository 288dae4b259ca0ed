"""A question asked while an update embeds is answered without waiting for it:
in the same process (the chat, a service shared by threads) or in another one."""

import threading

from assistant.app.service import IndexRequest
from assistant.embedders.hashing import HashEmbedder

from helpers.common import SAMPLE_ARTICLE, TROOPS, write

WAIT = 60  # seconds before a test gives up; a pass returns at once


class GatedEmbedder(HashEmbedder):
    """Blocks the update's embedding (only in the thread named 'update') until
    released, so a question is asked while an update is surely mid-embedding."""

    reentrant = True

    def __init__(self) -> None:
        super().__init__(dim=64)
        self.embedding = threading.Event()
        self.release = threading.Event()

    def embed_passages(self, texts):
        if threading.current_thread().name == "update":
            self.embedding.set()
            self.release.wait(WAIT)
        return super().embed_passages(texts)


def _asked_meanwhile(tmp_path, make_service, ask_with):
    folder = tmp_path / "articles"
    write(folder / SAMPLE_ARTICLE.name, SAMPLE_ARTICLE.read_text(encoding="utf-8"))
    emb = GatedEmbedder()
    svc = make_service(emb=emb)
    svc.index(IndexRequest([str(folder)]))
    write(folder / "new.txt", "Berita baru\n\nHujan deras turun di Bogor pada Senin sore.\n")
    update = threading.Thread(target=svc.index, args=(IndexRequest([str(folder)]),), name="update")
    answers, asker = [], None
    update.start()
    try:
        assert emb.embedding.wait(WAIT), "the update never started embedding"
        asker = threading.Thread(
            target=lambda: answers.append(ask_with(svc).ask("berapa tentara Korea Utara dikirim")))
        asker.start()
        asker.join(WAIT / 4)
        answered_meanwhile = bool(answers)
        still_embedding = not emb.release.is_set() and update.is_alive()
    finally:
        emb.release.set()
        update.join(WAIT)
        if asker is not None:
            asker.join(WAIT)
    assert still_embedding
    assert answered_meanwhile, "the question waited for the update's embedding"
    assert TROOPS in answers[0].citations[0].text


def test_ask_during_an_update_in_the_same_service(tmp_path, make_service):
    _asked_meanwhile(tmp_path, make_service, lambda svc: svc)


def test_chat_turn_during_an_update_in_the_same_service(tmp_path, make_service):
    _asked_meanwhile(tmp_path, make_service, lambda svc: svc.conversation())


def test_ask_during_an_update_from_another_reader(tmp_path, make_service):
    _asked_meanwhile(tmp_path, make_service,
                     lambda svc: make_service(emb=HashEmbedder(dim=64)))
