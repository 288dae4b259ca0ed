"""Watched folders: the index follows new, changed, deleted and renamed files.

File events come from watchfiles (inotify, FSEvents, ReadDirectoryChangesW).
Events only say *that* something changed; every update rescans the watched
folders through the one incremental update path (``assistant.indexing.update``), so a
rename, a deleted folder or an event that was missed are all applied the same
way, and a crash leaves the index as after any update.

A burst of events is one update: watchfiles waits until no new change has come
for QUIET_S (at most MAX_WAIT_S). A file still being written (changed less than
SETTLE_S ago) waits too; when the wait has run out, the update goes ahead and
keeps what was indexed from that file until it settles. Temporary download
names and hidden files are never read (see ``relevant``).
"""

import os
import stat
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from assistant.config.own_files import is_private
from assistant.ingest.documents import SUPPORTED_SUFFIXES

if TYPE_CHECKING:
    from watchfiles import Change

    from assistant.app.service import Assistant, IndexRequest
    from assistant.results import IndexSummary

QUIET_S = 1.0  # an update waits until the folders have been quiet this long...
MAX_WAIT_S = 10.0  # ...but no longer than this after the first change
SETTLE_S = 0.5  # a file changed more recently than this is still being written
# Names of files being downloaded or saved: the finished file comes under its
# own name (a rename), which is then read.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", "~")


@dataclass
class WatchBatch:
    """What one update is for: the paths whose events started it, and files
    still being written, which keep what was indexed from them for now."""

    changed: list[str]
    held: list[str] = field(default_factory=list)


def relevant(path: str, roots: Iterable[str], ignore: Iterable[str] = ()) -> bool:
    """Whether an event on ``path`` may change the index: an article file, or
    a folder (a folder moved or deleted takes its articles along)."""
    path = os.path.abspath(path)
    if is_private(path, ignore):
        return False  # e.g. the index itself, inside a watched folder
    root = next((r for r in roots if _inside(path, r)), None)
    below = os.path.relpath(path, root) if root else os.path.basename(path)
    if any(part.startswith(".") for part in below.split(os.sep) if part != "."):
        return False  # hidden files and folders are never indexed
    name = os.path.basename(path).lower()
    if name.endswith(PARTIAL_SUFFIXES):
        return False
    suffix = os.path.splitext(name)[1]
    return suffix in SUPPORTED_SUFFIXES or suffix == "" or os.path.isdir(path)


def _inside(path: str, folder: str) -> bool:
    folder = os.path.abspath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class FolderWatch:
    """Batches of settled changes under ``roots`` until ``stop`` is set."""

    def __init__(self, roots: list[str], ignore: Iterable[str] = (),
                 stop: threading.Event | None = None, quiet_s: float = QUIET_S,
                 max_wait_s: float = MAX_WAIT_S, settle_s: float = SETTLE_S) -> None:
        self.roots = [os.path.abspath(r) for r in roots]
        self.ignore = [os.path.abspath(i) for i in ignore]
        self.stop = stop
        self.quiet_s, self.max_wait_s, self.settle_s = quiet_s, max_wait_s, settle_s
        self._seen: dict[str, tuple[tuple[int, int], float]] = {}  # path -> (size, mtime), since

    def batches(self, on_armed: Callable[[], None] | None = None) -> Iterator[WatchBatch]:
        """Yield one batch per update to run. ``on_armed`` is called once the
        OS reports changes: anything written after it is seen. A root folder
        deleted (or moved away, or replaced) takes the OS watch with it: once
        it exists again a new watch is armed on it, and the roots are rescanned
        (what was written between the two watches has no event)."""
        pending: set[str] = set()
        while not (self.stop is not None and self.stop.is_set()):
            if not self._wait_for_roots():
                return
            identity = self._identity()
            if (yield from self._watch(identity, pending, on_armed)):
                on_armed = None  # said once; a re-armed watch is told by the batch it gives
            pending |= set(self.roots)  # a root came back: read it all again

    def _identity(self) -> list[tuple[int, int] | None]:
        """Each root's (device, inode), None where it is missing."""
        out: list[tuple[int, int] | None] = []
        for r in self.roots:
            try:
                st = os.stat(r)
                out.append((st.st_dev, st.st_ino))
            except OSError:
                out.append(None)
        return out

    def _wait_for_roots(self) -> bool:
        """Until every root exists (polled at ``quiet_s``); False when stopped."""
        while None in self._identity():
            if self._pause():
                return False
        return True

    def _pause(self) -> bool:
        """Wait ``quiet_s``; whether ``stop`` was set."""
        if self.stop is None:
            time.sleep(self.quiet_s)
            return False
        return self.stop.wait(self.quiet_s)

    def _watch(self, identity: list[tuple[int, int] | None], pending: set[str],
               on_armed: Callable[[], None] | None) -> Generator[WatchBatch, None, bool]:
        """Batches from one OS watch, until a root is deleted or replaced (or
        ``stop``); whether it was armed."""
        roots = set(self.roots)
        first_at = time.monotonic()
        armed = False
        for changes in self._os_changes():
            if not armed:
                armed = True
                if on_armed is not None:
                    on_armed()
            if changes and not pending:
                first_at = time.monotonic()
            pending |= {path for _, path in changes}
            rearm = self._rearm(changes, identity)
            if rearm:
                pending |= roots
            if pending:
                batch = self._ready(pending, first_at)
                if batch is not None:
                    pending.clear()
                    pending |= set(batch.held)
                    first_at = time.monotonic()
                    yield batch
            if rearm:
                break  # the OS watch is on the old folder, or on none: arm a new one
        return armed

    def _os_changes(self) -> "Iterator[set[tuple[Change, str]]]":
        """watchfiles' change sets, an empty one on each timeout (they wake the
        loop while files are held, to look at them again). A root's own events
        always pass the filter: its deletion ends the OS watch, whatever its
        name. None at all when a root went again before it could be watched."""
        import watchfiles

        changes = watchfiles.watch(
            *self.roots,
            watch_filter=lambda _, p: p in self.roots or relevant(p, self.roots, self.ignore),
            debounce=int(self.max_wait_s * 1000), step=int(self.quiet_s * 1000),
            rust_timeout=int(self.quiet_s * 1000), yield_on_timeout=True,
            stop_event=self.stop, raise_interrupt=True)
        try:
            first = next(changes, None)  # the OS watch is made here
        except FileNotFoundError:
            self._pause()  # then wait for the root again
            return
        if first is not None:
            yield first
            yield from changes

    def _rearm(self, changes: "set[tuple[Change, str]]",
               identity: list[tuple[int, int] | None]) -> bool:
        """Whether this OS watch no longer sees a root: the root was deleted
        (the OS drops its watch then, even where a folder made again in its
        place has the old (device, inode): ext4 and tmpfs hand a freed inode
        out again at once), or moved away, or replaced by another folder."""
        from watchfiles import Change

        if any(kind == Change.deleted and path in self.roots for kind, path in changes):
            return True
        return self._identity() != identity

    def _ready(self, pending: set[str], first_at: float) -> WatchBatch | None:
        """The batch to run now, or None while held files may still settle."""
        now = time.time()
        held = {p for p in pending if not self._settled(p, now)}
        if held and time.monotonic() - first_at < self.max_wait_s:
            return None  # wait for them: one update for the whole burst
        ready = pending - held
        if not ready:
            return None
        for p in ready:
            self._seen.pop(p, None)
        return WatchBatch(sorted(ready), sorted(held))

    def _settled(self, path: str, now: float) -> bool:
        """Size and mtime unchanged for ``settle_s``; a path that is gone or a
        folder has nothing to wait for."""
        try:
            st = os.stat(path)
        except OSError:
            return True
        if stat.S_ISDIR(st.st_mode):
            return True
        key = (st.st_size, st.st_mtime_ns)
        seen = self._seen.get(path)
        if seen is None or seen[0] != key:
            # First seen: its mtime says when it was last written (not later than now).
            since = min(now, st.st_mtime) if seen is None else now
            self._seen[path] = (key, since)
        else:
            since = seen[1]
        return now - since >= self.settle_s


def watch_index(service: "Assistant", paths: list[str],
                on_update: Callable[[WatchBatch, "IndexSummary"], None],
                on_armed: Callable[[], None] | None = None,
                on_error: Callable[[Exception], None] | None = None,
                on_batch: Callable[[WatchBatch], None] | None = None,
                stop: threading.Event | None = None,
                request: "IndexRequest | None" = None) -> None:
    """Apply every settled change under ``paths`` to the index until ``stop``
    is set (or KeyboardInterrupt). Each update rescans ``paths`` with the
    usual incremental update; an update that fails (``on_error``: the index
    busy, a disk full, an update that would remove half the index) changes
    nothing, and watching goes on. ``on_batch`` is told before each update;
    ``request`` holds the options of every update (its paths are ``paths``)."""
    from assistant.app.service import IndexRequest
    from assistant.errors import AssistantError

    roots = [os.path.abspath(p) for p in paths]
    watch = FolderWatch(roots, ignore=[service.index_dir], stop=stop)
    for batch in watch.batches(on_armed):
        if on_batch is not None:
            on_batch(batch)
        try:
            summary = service.index(replace(request or IndexRequest(), paths=roots,
                                            hold=batch.held))
        except AssistantError as e:
            if on_error is None:
                raise
            on_error(e)
            continue
        on_update(batch, summary)
