"""FolderWatch's state machine, driven by a scripted stand-in for watchfiles:
a root folder deleted and made again is watched anew, even where the new
folder has the old one's (device, inode) (ext4 and tmpfs reuse a freed inode
at once), and what changed while no watch was armed is rescanned."""

import os
import shutil
import threading

import pytest
import watchfiles
from watchfiles import Change

from assistant.app.watch import FolderWatch

from helpers.common import write


class ScriptedWatch:
    """Each call of ``watchfiles.watch`` is one OS watch: it yields the change
    sets scripted for it (a callable runs: a file operation; an exception is
    raised: the OS watch could not be made), then
    timeouts (empty sets) until the stop event is set."""

    def __init__(self, stop: threading.Event, *scripts: list) -> None:
        self.stop = stop
        self.scripts = list(scripts)
        self.calls = 0

    def __call__(self, *paths, watch_filter=None, **_options):
        self.calls += 1
        script = self.scripts.pop(0) if self.scripts else []
        for step in script:
            if isinstance(step, Exception):
                raise step
            if callable(step):
                step()
                continue
            yield {(kind, path) for kind, path in step if watch_filter(kind, path)}
        for _ in range(50):  # a dead watch: timeouts only
            if self.stop.is_set():
                return
            yield set()
        self.stop.set()


@pytest.fixture
def same_inode(monkeypatch):
    """Every root keeps one (device, inode), as when the file system hands the
    deleted folder's inode to the folder made again."""
    monkeypatch.setattr(FolderWatch, "_identity",
                        lambda self: [(1, 1) if os.path.exists(r) else None for r in self.roots])


def test_a_root_deleted_and_made_again_is_watched_anew(tmp_path, monkeypatch, same_inode):
    docs = tmp_path / "docs"
    write(docs / "banjir.txt", "Banjir.\n")
    root, banjir = str(docs), str(docs / "banjir.txt")

    def recreate() -> None:
        shutil.rmtree(docs)
        docs.mkdir()
        write(docs / "gempa.txt", "Gempa.\n")

    stop = threading.Event()
    fake = ScriptedWatch(stop, [set(), recreate, {(Change.deleted, banjir), (Change.deleted, root)}])
    monkeypatch.setattr(watchfiles, "watch", fake)
    watch = FolderWatch([root], stop=stop, quiet_s=0.01, settle_s=0.0)
    batches = watch.batches()

    first = next(batches)
    assert first.changed == sorted([root, banjir])
    # The consumer's update runs now, before the watch is armed again: a file
    # written meanwhile has no event, and must be found by a rescan.
    write(docs / "banjir.txt", "Banjir lagi.\n")
    second = next(batches)
    assert fake.calls == 2  # a new OS watch, on the new folder
    assert root in second.changed  # rescanned: banjir.txt is read again
    stop.set()
    assert list(batches) == []


def test_a_root_deleted_for_a_while_is_waited_for(tmp_path, monkeypatch, same_inode):
    docs = tmp_path / "docs"
    write(docs / "banjir.txt", "Banjir.\n")
    root, banjir = str(docs), str(docs / "banjir.txt")
    stop = threading.Event()
    fake = ScriptedWatch(stop, [set(), lambda: shutil.rmtree(docs),
                                {(Change.deleted, banjir), (Change.deleted, root)}])
    monkeypatch.setattr(watchfiles, "watch", fake)
    watch = FolderWatch([root], stop=stop, quiet_s=0.01, settle_s=0.0)
    batches = watch.batches()

    assert next(batches).changed == sorted([root, banjir])  # its articles go
    threading.Timer(0.1, docs.mkdir).start()  # back later, with the old inode
    assert root in next(batches).changed
    assert fake.calls == 2
    stop.set()
    assert list(batches) == []


def test_a_root_gone_before_its_watch_is_made_is_waited_for(tmp_path, monkeypatch):
    """watchfiles raises FileNotFoundError for a root deleted between the look
    that found it and the OS watch: the watch is made once it is back, and the
    first update (``on_armed``) still runs once, when it is armed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    stop = threading.Event()
    fake = ScriptedWatch(stop, [FileNotFoundError(str(docs))], [set()])
    monkeypatch.setattr(watchfiles, "watch", fake)
    armed: list[int] = []
    watch = FolderWatch([str(docs)], stop=stop, quiet_s=0.01, settle_s=0.0)
    batches = watch.batches(on_armed=lambda: armed.append(fake.calls))

    assert next(batches).changed == [str(docs)]  # rescanned
    assert fake.calls == 2 and armed == [2]
    stop.set()
    assert list(batches) == []
