"""User-facing errors and the exit codes the CLI maps them to.

Every error a user can cause is an ``AssistantError`` with a message that says
what to do next; the CLI prints it without a traceback (unless ``--debug``).
"""


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
