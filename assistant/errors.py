"""User-facing errors and the exit codes the CLI maps them to.

Every error a user can cause is an ``AssistantError`` with a message that says
what to do next; the CLI prints it without a traceback (unless ``--debug``).
"""

import errno


class ExitCode:
    OK = 0
    INTERNAL = 1  # a bug: unexpected exception
    USAGE = 2  # bad arguments or an empty question (click uses 2 as well)
    NO_INDEX = 3  # no index and nothing to build it from
    CORRUPT_INDEX = 4  # index files damaged or from a newer schema
    MODEL_MISMATCH = 5  # asked with a model other than the one the index was built with
    INDEX_BUSY = 6  # another `assistant index` holds the lock (with --no-wait)
    INPUT = 7  # a path to index does not exist / nothing readable
    MODEL_UNAVAILABLE = 8  # the embedding model cannot be loaded
    DISK_FULL = 9  # no space left to write the index
    PERMISSION = 10  # the index (or its folder) cannot be written or read: permissions, read-only
    CONFIRM = 11  # the update would remove a large share of the index; run again with --yes
    SERVER = 12  # `ask --server`: the server cannot be reached, or is not an assistant server
    INTERRUPTED = 130


class AssistantError(Exception):
    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(AssistantError):
    exit_code = ExitCode.USAGE


class NoIndexError(AssistantError):
    exit_code = ExitCode.NO_INDEX


class CorruptIndexError(AssistantError):
    exit_code = ExitCode.CORRUPT_INDEX


class ModelMismatchError(AssistantError):
    exit_code = ExitCode.MODEL_MISMATCH


class IndexBusyError(AssistantError):
    exit_code = ExitCode.INDEX_BUSY


class InputError(AssistantError):
    exit_code = ExitCode.INPUT


class ModelUnavailableError(AssistantError):
    exit_code = ExitCode.MODEL_UNAVAILABLE


class IndexPermissionError(AssistantError):
    exit_code = ExitCode.PERMISSION


class DiskFullError(AssistantError):
    exit_code = ExitCode.DISK_FULL


class ConfirmationNeeded(AssistantError):
    """An update would remove a large share of the index: the user must say --yes."""

    exit_code = ExitCode.CONFIRM


class ServerUnreachableError(AssistantError):
    """``ask --server URL``: no answer from the server (not an error it reported)."""

    exit_code = ExitCode.SERVER


class NotFoundError(UsageError):
    """A request names an article or a job that does not exist."""


def error_for_exit_code(code: int, message: str) -> AssistantError:
    """The error a server reported as ``{"error", "exit_code"}``, raised again on
    the client side, so ``ask --server`` exits as the local ``ask`` would."""
    by_code = {cls.exit_code: cls for cls in (
        UsageError, NoIndexError, CorruptIndexError, ModelMismatchError, IndexBusyError,
        InputError, ModelUnavailableError, IndexPermissionError, DiskFullError,
        ConfirmationNeeded, ServerUnreachableError)}
    return by_code.get(code, AssistantError)(message)


def os_reason(e: OSError) -> str:
    """Why a file could not be read, in a few words (for skip lists)."""
    if isinstance(e, FileNotFoundError):
        return "disappeared while indexing"
    if isinstance(e, PermissionError):
        return "permission denied"
    if e.errno == errno.ELOOP:
        return "symlink loop"
    return e.strerror or str(e)


def error_for_os(e: OSError, where: str) -> AssistantError | None:
    """The user-facing error for a failed write to ``where`` (full disk, no
    permission, read-only file system); None when it is none of those."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"the disk holding {where} is full; free some space and run the "
                             "command again (the index is unchanged)")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        what = "is on a read-only file system" if e.errno == errno.EROFS else \
            "cannot be written (permission denied)"
        return IndexPermissionError(f"{where} {what}; the index is unchanged. Give the user "
                                    "write access, or use another folder with --index-dir")
    return None


def as_user_error(e: BaseException) -> AssistantError:
    """Any exception as the error a user sees: ours as it is, a failed write as
    what it means (full disk, permission), anything else as an internal error
    (exit code 1) named by its type, never a traceback."""
    if isinstance(e, AssistantError):
        return e
    if isinstance(e, OSError):
        err = error_for_os(e, e.filename or "a file")
        if err is not None:
            return err
    return AssistantError(f"internal error: {type(e).__name__}: {e}")
