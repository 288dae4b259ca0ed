"""Find the article files under the paths a user gives."""

import fnmatch
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from assistant.ingest.documents import SUPPORTED_SUFFIXES

IGNORE_FILE = ".assistantignore"


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
        with open(os.path.join(directory, IGNORE_FILE), encoding="utf-8") as f:
            return [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]
    except OSError:
        return []


def discover(root: str) -> Discovery:
    """Supported files under ``root`` (a file or a directory, read recursively).

    Hidden files and folders, and names matched by a ``.assistantignore`` file
    in the root folder, are left out. Symlinked folders are followed once, so a
    link loop cannot recurse forever.
    """
    root = os.path.abspath(root)
    found = Discovery([], [])
    try:
        st = os.stat(root)
    except OSError as e:
        found.skipped.append((root, _os_reason(e)))
        return found
    if not stat.S_ISDIR(st.st_mode):
        _consider(root, found, explicit=True)
        return found
    patterns = _ignore_patterns(root)
    seen: set[tuple[int, int]] = set()

    def onerror(e: OSError) -> None:
        found.skipped.append((e.filename or root, _os_reason(e)))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=onerror):
        try:
            dst = os.stat(dirpath)
        except OSError as e:
            onerror(e)
            dirnames[:] = []
            continue
        if (dst.st_dev, dst.st_ino) in seen:
            found.skipped.append((dirpath, "symlink loop or folder seen twice"))
            dirnames[:] = []
            continue
        seen.add((dst.st_dev, dst.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            if any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns):
                continue
            _consider(full, found, explicit=False)
    return found


def _consider(path: str, found: Discovery, explicit: bool) -> None:
    suffix = Path(path).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        found.skipped.append((path, f"unsupported file type '{suffix or Path(path).name}'"))
        return
    try:
        st = os.stat(path)
    except OSError as e:
        found.skipped.append((path, _os_reason(e)))
        return
    if not stat.S_ISREG(st.st_mode):
        found.skipped.append((path, "not a regular file"))
        return
    found.files.append(FoundFile(path, st.st_size, st.st_mtime_ns))


def _os_reason(e: OSError) -> str:
    if e.errno is not None and e.errno == 40:  # ELOOP
        return "symlink loop"
    return e.strerror or str(e)
