"""Atomic file writes and the writer lock."""

import errno
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from assistant.errors import IndexBusyError


def write_atomic(path: str, data: bytes | memoryview) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(directory)


def fsync_dir(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def exclusive_lock(path: str, wait: bool = True,
                   on_wait: Callable[[], object] | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` for the duration of an update.

    The kernel drops the lock when the holder dies, so a killed update never
    leaves a stale lock behind.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            if not wait:
                raise IndexBusyError(
                    "the index is being updated by another `assistant index`; "
                    "try again when it finishes (or leave out --no-wait to wait for it)"
                ) from None
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock
