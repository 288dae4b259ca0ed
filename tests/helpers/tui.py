"""Shared set-up for the Textual tests: a small indexed corpus and ways to wait
for the app's workers instead of sleeping."""

import shutil
import threading
from contextlib import asynccontextmanager

from textual.worker import WorkerState

from assistant.app.history import QuestionHistory
from assistant.app.service import Assistant, IndexRequest
from assistant.app.settings import Settings
from assistant.embedders.hashing import HashEmbedder
from assistant.tui.app import AssistantApp

from helpers.common import SAMPLE_ARTICLE, write

SIZE = (100, 30)
MARKUP_ARTICLE = (
    "Markup di pelabuhan\n\n"
    "Pasukan [bold red]INJECT[/] tiba di pelabuhan Sorong [link=https://evil.example]klik[/link] "
    "pada Senin.\x1b]0;owned\x07\n"
)
MARKUP_QUESTION = "pasukan tiba di pelabuhan Sorong"
TROOPS_QUESTION = "berapa tentara Korea Utara dikirimkan"


def corpus(root) -> str:
    """A folder with the sample article and one full of markup and escapes."""
    folder = root / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    write(folder / "markup.txt", MARKUP_ARTICLE)
    return str(folder)


def service(index_dir, embedder=None, build_from=None) -> Assistant:
    svc = Assistant(Settings(index_dir=str(index_dir), sample_dir="none"),
                    embedder=embedder or HashEmbedder(dim=64))
    if build_from:
        svc.index(IndexRequest([build_from]))
    return svc


def make_app(svc: Assistant, history_dir=None, paths=None) -> AssistantApp:
    history = QuestionHistory.in_dir(str(history_dir)) if history_dir else QuestionHistory(None)
    return AssistantApp(svc, paths=paths, history=history, cursor_blink=False)


def busy(app) -> bool:
    return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)


async def settle(pilot, rounds: int = 50) -> None:
    """Wait until no worker runs; a finished worker's message may start another."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not busy(pilot.app):
            return
    raise AssertionError("workers did not settle")


@asynccontextmanager
async def sample_chat(tmp_path, size=SIZE):
    """The chat over an index of the test corpus, settled after start-up:
    yields (app, pilot, service)."""
    svc = service(tmp_path / "ix", build_from=corpus(tmp_path))
    app = make_app(svc)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield app, pilot, svc


async def ask(pilot, question: str) -> None:
    from assistant.tui.widgets import QuestionInput

    box = pilot.app.query_one(QuestionInput)
    box.focus()
    box.value = question
    await pilot.press("enter")
    await settle(pilot)


class GatedEmbedder(HashEmbedder):
    """Blocks in its first passage batch until the test opens the gate."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim=dim)
        self.entered = threading.Event()
        self.gate = threading.Event()

    def embed_passages(self, texts):
        if not self.entered.is_set():
            self.entered.set()
            if not self.gate.wait(timeout=60):
                raise TimeoutError("the test never opened the gate")
        return super().embed_passages(texts)


class HeldAfterFirstBatch(HashEmbedder):
    """Lets the first passage batch through, then holds the next until released."""

    def __init__(self) -> None:
        super().__init__(dim=64)
        self.batches = 0
        self.held = threading.Event()
        self.release = threading.Event()

    def embed_passages(self, texts):
        self.batches += 1
        if self.batches == 2:
            self.held.set()
            self.release.wait(60)
        return super().embed_passages(texts)
