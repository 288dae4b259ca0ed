"""Find the article files under the paths a user gives.

Nothing found here can stop a run: every entry that cannot be taken (a name
that is not UTF-8, a link out of the folder, a device, an unreadable folder) is
listed in ``skipped`` with its reason.
"""

import fnmatch
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.config.own_files import is_private
from assistant.errors import os_reason
from assistant.ingest.documents import SUPPORTED_SUFFIXES

IGNORE_FILE = ".assistantignore"
# Kernel and device trees: reading them can hang (a FIFO, a tty) or leak system
# state into the index, so they are never read, --follow-links or not.
SYSTEM_TREES = ("/proc", "/sys", "/dev")


@dataclass(frozen=True)
class FoundFile:
    path: str  # absolute
    size: int
    mtime_ns: int


@dataclass
class Discovery:
    files: list[FoundFile]
    skipped: list[tuple[str, str]]  # (path, reason)


def _ignore_patterns(directory: str) -> list[str]:
    try:
        with open(os.path.join(directory, IGNORE_FILE), encoding="utf-8", errors="replace") as f:
            return [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    except OSError:
        return []


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _valid_name(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as surrogates
        return False
    return True


class _Walk:
    def __init__(self, root: str, follow_links: bool, private: Iterable[str] = ()) -> None:
        self.root = root
        self.private = list(private)
        self.real_root = os.path.realpath(root)
        self.follow_links = follow_links
        self.found = Discovery([], [])

    def skip(self, path: str, reason: str) -> None:
        self.found.skipped.append((path, reason))

    def refusal(self, path: str) -> str | None:
        """Why ``path`` must not be read (None: it may)."""
        if not _valid_name(path):
            return "file name is not valid UTF-8 (rename it to index it)"
        real = os.path.realpath(path)
        if any(_inside(real, t) for t in SYSTEM_TREES):
            return "a system or device file (never read)"
        if not self.follow_links and not _inside(real, self.real_root):
            return "symlink to outside the indexed folder (index it with --follow-links)"
        return None

    def consider(self, path: str) -> None:
        suffix = Path(path).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            self.skip(path, f"unsupported file type '{suffix or Path(path).name}'")
            return
        why = self.refusal(path)
        if why:
            self.skip(path, why)
            return
        try:
            st = os.stat(path)
        except OSError as e:
            self.skip(path, os_reason(e))
            return
        if not stat.S_ISREG(st.st_mode):
            self.skip(path, "not a regular file")
            return
        self.found.files.append(FoundFile(path, st.st_size, st.st_mtime_ns))

    def subfolders(self, dirpath: str, names: list[str]) -> list[str]:
        """The folders of ``dirpath`` to enter: not hidden, not refused, not
        the program's own (``transcripts/`` of an index folder)."""
        kept = []
        for d in sorted(names):
            full = os.path.join(dirpath, d)
            if d.startswith(".") or is_private(full, self.private):
                continue
            why = self.refusal(full)
            if why:
                self.skip(full, why)
            else:
                kept.append(d)
        return kept

    def guarded(self, path: str, step: Callable[[str], None]) -> None:
        try:
            step(path)
        except Exception as e:  # noqa: BLE001 - one odd entry never stops a run
            self.skip(path, f"cannot be read ({type(e).__name__})")


def discover(root: str, follow_links: bool = False, private: Iterable[str] = ()) -> Discovery:
    """Supported files under ``root`` (a file or a directory, read recursively).

    Hidden files and folders, and names matched by a ``.assistantignore`` file
    in the root folder, are left out. Symlinks that lead out of ``root`` are
    skipped unless ``follow_links``; linked folders are entered once, so a link
    loop cannot recurse forever. The program's own files in the index folders
    ``private`` (``own_files.is_private``) are never read.
    """
    root = os.path.abspath(root)
    w = _Walk(root, follow_links, private)
    if is_private(root, w.private):
        w.skip(root, "the index's own file (never read as an article)")
        return w.found
    try:
        st = os.stat(root)
    except OSError as e:
        w.skip(root, os_reason(e))
        return w.found
    if any(_inside(os.path.realpath(root), t) for t in SYSTEM_TREES):
        w.skip(root, "a system or device file (never read)")
        return w.found
    if not stat.S_ISDIR(st.st_mode):
        w.guarded(root, w.consider)
        return w.found
    patterns = _ignore_patterns(root)
    seen: set[tuple[int, int]] = set()

    def onerror(e: OSError) -> None:
        w.skip(e.filename or root, os_reason(e))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=onerror):
        try:
            dst = os.stat(dirpath)
        except OSError as e:
            onerror(e)
            dirnames[:] = []
            continue
        if (dst.st_dev, dst.st_ino) in seen:
            w.skip(dirpath, "symlink loop or folder seen twice")
            dirnames[:] = []
            continue
        seen.add((dst.st_dev, dst.st_ino))
        dirnames[:] = w.subfolders(dirpath, dirnames)
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            if is_private(full, w.private):
                continue
            rel = os.path.relpath(full, root)
            if any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns):
                continue
            w.guarded(full, w.consider)
    return w.found
