"""JSON responses of the API: results as the JSON of ``ask --json``, and our
errors as HTTP statuses with the same messages and exit codes
(``{"error", "exit_code"}``), never a traceback."""

from collections.abc import Mapping
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from assistant.errors import ExitCode, NotFoundError, as_user_error
from assistant.text.masking import mask
from assistant.text.normalize import json_text

# Our exit codes as HTTP statuses: the client's fault, a conflict with a running
# update, or the server's state.
STATUS = {
    ExitCode.USAGE: 400, ExitCode.INPUT: 400,
    ExitCode.NO_INDEX: 503, ExitCode.MODEL_UNAVAILABLE: 503,
    ExitCode.INDEX_BUSY: 409, ExitCode.CONFIRM: 409,
    ExitCode.CORRUPT_INDEX: 500, ExitCode.MODEL_MISMATCH: 500, ExitCode.PERMISSION: 500,
    ExitCode.DISK_FULL: 507, ExitCode.INTERNAL: 500,
}


def json_response(data: Any, status: int = 200,
                  headers: Mapping[str, str] | None = None) -> Response:
    """``data`` written as the CLI writes JSON (the same bytes as ``--json``)."""
    return Response(json_text(data), status_code=status, media_type="application/json",
                    headers=headers)


def error_response(e: BaseException) -> Response:
    err = as_user_error(e)
    status = 404 if isinstance(err, NotFoundError) else STATUS.get(err.exit_code, 500)
    return json_response({"error": mask(err.message), "exit_code": err.exit_code}, status)


def validation_message(e: RequestValidationError) -> str:
    parts = []
    for err in e.errors():
        where = ".".join(str(x) for x in err.get("loc", ())[1:]) or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"
