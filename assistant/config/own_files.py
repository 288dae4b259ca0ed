"""The names the program itself writes in an index folder. The one list for
what an update may delete (only stale generation files) and for what the
indexer and the watcher never read as articles (all of them), so an index
folder inside an indexed folder, or an indexed folder used as the index folder,
keeps every file of the user's and reads none of the program's."""

import os
import re
from collections.abc import Iterable

DB_NAME = "index.sqlite3"  # with -wal, -shm, -journal, .damaged beside it
LOCK_NAME = "index.lock"
HISTORY_NAME = "history.jsonl"
TRANSCRIPTS_DIR = "transcripts"
# A generation's vector file, and the temporary name it is written under
# (store/local/files.py: write_atomic appends .tmp-<pid>).
_GENERATION_FILE = re.compile(r"vectors\.(0|[1-9][0-9]*)\.faiss(\.tmp-[0-9]+)?")
_TMP = re.compile(r"\.tmp-[0-9]+")


def vectors_name(generation: int) -> str:
    return f"vectors.{generation}.faiss"


def is_generation_file(name: str) -> bool:
    """Whether ``name`` is one the writer gives a vector file: the only names
    an update may ever delete."""
    return _GENERATION_FILE.fullmatch(name) is not None


def is_own_name(name: str) -> bool:
    """Whether an entry called ``name`` directly in the index folder is the program's."""
    if is_generation_file(name) or name in (LOCK_NAME, TRANSCRIPTS_DIR):
        return True
    if name.startswith(DB_NAME):
        return name == DB_NAME or name[len(DB_NAME):] in (
            "-wal", "-shm", "-journal", ".damaged", ".damaged-wal", ".damaged-shm")
    return name == HISTORY_NAME or (name.startswith(HISTORY_NAME)
                                    and _TMP.fullmatch(name[len(HISTORY_NAME):]) is not None)


def is_private(path: str, index_dirs: Iterable[str]) -> bool:
    """Whether ``path`` is (or lies under) one of the program's own entries of
    an index folder in ``index_dirs``. The folder itself, and the user's files
    in it, are not private."""
    here = {os.path.abspath(path), os.path.realpath(path)}
    for folder in index_dirs:
        for f in {os.path.abspath(folder), os.path.realpath(folder)}:
            for p in here:
                rel = os.path.relpath(p, f)
                if rel != "." and not rel.startswith(".." + os.sep) and rel != ".." \
                        and is_own_name(rel.split(os.sep)[0]):
                    return True
    return False
