"""Index updates and the folder watcher, as a plain controller: the chat
screen drives it and shows what its threads report.

An update runs in one thread at a time; the watcher, when on, runs in
another and posts each settled batch of changes. A batch that comes during
an update waits, and every waiting batch makes one update when it ends."""

import os
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.dom import DOMNode

from assistant.present.wording import changed_files, index_changes, index_totals, skipped_file
from assistant.tui.messages import (
    Failed,
    FolderChanged,
    IndexDone,
    IndexProgress,
    IndexWaiting,
    WatchArmed,
    WatchStopped,
    error_text,
)

if TYPE_CHECKING:
    from assistant.app.service import Assistant
    from assistant.app.watch import WatchBatch
    from assistant.results import IndexSummary

PROGRESS_INTERVAL = 0.1  # seconds between progress messages within one phase
SHOWN_SKIPPED = 10  # skipped files listed in a note


def update_note(summary: "IndexSummary") -> str:
    """What an update asked for (ctrl+r, a first build, chat PATH) did."""
    s = summary
    text = f"Index updated: {index_changes(s)}; now {index_totals(s)} ({s.seconds:.1f} s)."
    for item in s.skipped[:SHOWN_SKIPPED]:
        text += f"\n  {skipped_file(item)}"
    if len(s.skipped) > SHOWN_SKIPPED:
        text += f"\n  … and {len(s.skipped) - SHOWN_SKIPPED} more skipped"
    return text


def watched_note(batch: "WatchBatch", summary: "IndexSummary") -> str | None:
    """What a watched change did: the files it touched (nothing: no note)."""
    touched = set(summary.changes) | set(batch.changed)
    skipped = [item for item in summary.skipped if item.path in touched]
    if not (summary.changes or skipped):
        return None
    text = (f"Folder changed, index updated: {changed_files(summary)}; now "
            f"{index_totals(summary)} ({summary.seconds:.1f} s).")
    for item in skipped[:SHOWN_SKIPPED]:
        text += f"\n  {skipped_file(item)}"
    return text


class _Throttle:
    """A phase's start, its first count, its end, and then a few a second."""

    def __init__(self, post: Callable[[IndexProgress], object]) -> None:
        self.post = post
        self.phase: str | None = None
        self.at = 0.0
        self.done = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if (phase != self.phase or done >= total or self.done == 0
                or now - self.at >= PROGRESS_INTERVAL):
            self.phase, self.at, self.done = phase, now, done
            self.post(IndexProgress(phase, done, total))


class IndexUpdates:
    """``node`` runs the threads and receives their messages (IndexProgress,
    IndexWaiting, IndexDone, Failed "index"; WatchArmed, FolderChanged,
    WatchStopped); ``on_start`` is called as each update starts."""

    def __init__(self, service: "Assistant", node: DOMNode, on_start: Callable[[], None],
                 watch: bool = False) -> None:
        self.service = service
        self.node = node
        self.on_start = on_start
        self.updating = False
        # Watching the index's folders: on by default in `assistant chat` (F3,
        # --no-watch, ASSISTANT_WATCH=0); each settled change runs an update.
        self.enabled = watch
        self.watching = False  # the watcher is armed
        self.roots: list[str] = []  # the folders the index records
        self._stop: threading.Event | None = None
        self._waiting: list[WatchBatch] = []  # batches that came during another update
        self._batch: WatchBatch | None = None  # the batch the running update is for

    # -- updates --------------------------------------------------------------------

    def start_update(self, paths: list[str] | None, hold: tuple[str, ...] = ()) -> bool:
        """Update the index from ``paths`` (None: its own folders); False when
        an update runs already."""
        if self.updating:
            return False
        self.updating = True
        self.on_start()
        self.node.run_worker(partial(self._update, paths, hold), name="update", group="index",
                             thread=True, exclusive=True)
        return True

    def _update(self, paths: list[str] | None, hold: tuple[str, ...]) -> None:
        from assistant.app.service import IndexRequest

        post = self.node.post_message
        try:
            summary = self.service.index(IndexRequest(paths or None, hold=hold),
                                         progress=_Throttle(post),
                                         on_wait=lambda: post(IndexWaiting()))
        except Exception as e:  # noqa: BLE001 - shown in the chat, not a crash
            post(Failed("index", error_text(e)))
            return
        post(IndexDone(summary))

    def finished(self) -> "WatchBatch | None":
        """The running update ended; the watched batch it was for, if it was."""
        self.updating = False
        batch, self._batch = self._batch, None
        return batch

    def next(self) -> None:
        """One update for every change that came while another update ran."""
        if self.updating or not self._waiting:
            return
        batches, self._waiting = self._waiting, []
        from assistant.app.watch import WatchBatch

        held = sorted(batches[-1].held)  # the latest word on what is still being written
        changed = sorted({p for b in batches for p in b.changed} - set(held))
        self._batch = WatchBatch(changed, held)
        self.start_update(None, tuple(held))

    # -- the watcher ------------------------------------------------------------------

    def watch_roots(self, roots: list[str] | None, restart: bool = False) -> None:
        """Watch the index's folders ``roots`` (None: those known already);
        ``restart``: a watcher over other folders starts again over these."""
        if roots is not None:
            if restart and roots != self.roots and self._stop is not None:
                self.stop()  # a folder was added (chat PATH): watch it too
            self.roots = roots
        self.start()

    def start(self) -> None:
        roots = [r for r in self.roots if os.path.exists(r)]
        if not self.enabled or self._stop is not None or not roots:
            return
        self._stop = threading.Event()
        self.node.run_worker(partial(self._watch, roots, self._stop), name="watch",
                             group="watch", thread=True, exclusive=True)

    def _watch(self, roots: list[str], stop: threading.Event) -> None:
        from assistant.app.watch import FolderWatch

        post = self.node.post_message
        watch = FolderWatch(roots, ignore=[self.service.index_dir], stop=stop)

        def armed() -> None:
            post(WatchArmed(roots))

        try:
            for batch in watch.batches(on_armed=armed):
                post(FolderChanged(batch))
        except Exception as e:  # noqa: BLE001 - e.g. a watched folder removed
            post(WatchStopped(error_text(e)))
            return
        post(WatchStopped())

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()  # the watcher ends within a second
            self._stop = None
        self.watching = False
        self._waiting.clear()

    def armed(self) -> None:
        self.watching = self._stop is not None

    def stopped(self, error: str | None) -> bool:
        """The watcher ended; True when an error stopped it (turned off: False)."""
        if not error:
            return False
        self._stop = None
        self.watching = False
        return True

    def changed(self, batch: "WatchBatch") -> None:
        if self._stop is None:
            return  # turned off since
        self._waiting.append(batch)
        self.next()

    def toggle(self) -> str:
        """F3: watching off, or on again; what to tell the user."""
        if self.enabled:
            self.enabled = False
            self.stop()
            return "Not watching the folders now (F3 watches them again)."
        self.enabled = True
        self.start()
        if self._stop is None:
            return "There is no folder to watch yet."
        return "Watching the folders: changes are indexed as they come (F3 stops)."
