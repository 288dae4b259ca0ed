"""`assistant index --watch`: the index follows its folders until ctrl+c.

One line on stderr per update that changed something; with --json, the
update's summary as one JSON line on stdout.
"""

import os
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from assistant.app.service import Assistant
    from assistant.app.watch import WatchBatch
    from assistant.results import IndexSummary

from assistant.errors import ExitCode, InputError
from assistant.text.normalize import printable


def watch(svc: "Assistant", paths: list[str] | None, as_json: bool, quiet: bool,
          warn: Callable[[str], None], json_line: Callable[[Any], str],
          run_update: Callable[[], None], **index_options: Any) -> None:
    """Watch ``paths`` (or the folders the index records): ``run_update`` is the
    first update, as without --watch; then each change is applied as it settles."""
    from assistant.app.service import IndexRequest
    from assistant.app.watch import watch_index
    from assistant.present.wording import changed_files, index_totals, skipped_file

    roots = [os.path.abspath(p) for p in paths] if paths else _recorded_roots(svc)
    missing = [r for r in roots if not os.path.exists(r)]
    if missing:
        raise InputError(f"no such file or folder to watch: {missing[0]}")
    state = {"updating": False}

    def armed() -> None:
        state["updating"] = True
        run_update()
        state["updating"] = False
        warn(f"watching {', '.join(printable(r) for r in roots)} for changes (ctrl+c stops)")

    def starting(batch: "WatchBatch") -> None:
        state["updating"] = True

    def updated(batch: "WatchBatch", summary: "IndexSummary") -> None:
        state["updating"] = False
        touched = set(summary.changes) | set(batch.changed)
        for item in summary.skipped:
            if item.path in touched:
                warn(skipped_file(item))
        if not summary.changes:
            return
        if as_json:
            click.echo(json_line(summary.to_json()))
            sys.stdout.flush()
        if not quiet:
            warn(f"index updated: {changed_files(summary)}; now {index_totals(summary)} "
                 f"({summary.seconds:.1f} s)")
        if batch.held:
            warn(f"still being written, read once it settles: {', '.join(map(printable, batch.held))}")

    def failed(error: Exception) -> None:
        state["updating"] = False
        warn(f"error: {getattr(error, 'message', error)} (still watching)")  # an AssistantError

    # A service manager stops with SIGTERM: stop as for ctrl+c, not mid-write.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        watch_index(svc, roots, on_update=updated, on_armed=armed, on_error=failed,
                    on_batch=starting, request=IndexRequest(**index_options))
    except KeyboardInterrupt:
        if state["updating"]:
            raise  # interrupted mid-update: exit 130, the index as after any crash
        warn("stopped watching")
        sys.exit(ExitCode.OK)


def _recorded_roots(svc: "Assistant") -> list[str]:
    roots = svc.info().roots if svc.has_index() else []
    if not roots:
        raise InputError("nothing to watch: give a folder, e.g. assistant index --watch ~/news")
    return roots
