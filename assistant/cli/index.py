"""`assistant index`: build, update, copy or watch the index."""

import sys
from typing import TYPE_CHECKING, Any

import click

from assistant.cli.context import index_dir_of, service_for, settings_from, warn
from assistant.cli.options import index_options, store_option
from assistant.errors import UsageError
from assistant.store.index_types import INDEX_TYPES
from assistant.text.normalize import from_outside, json_text

if TYPE_CHECKING:
    from assistant.app.service import Assistant
    from assistant.embedders.cluster import ClusterSpec
    from assistant.results import IndexSummary


def check_cluster(ctx: click.Context, param: click.Parameter,
                  value: str | None) -> "ClusterSpec | None":
    """A bad --cluster is a usage error before any work."""
    if value is None:
        return None
    from assistant.embedders.cluster import parse_cluster

    return parse_cluster(from_outside(value))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@index_options("Embedding model: e5-small (bundled default), a sentence-transformers "
               "name or local path, or openai:MODEL on the server of --embed-url.")
@click.option("--rebuild", is_flag=True, help="Start from scratch instead of updating.")
@click.option("--index-type", type=click.Choice(INDEX_TYPES),
              default=None,
              help="FAISS index: auto (exact up to 100,000 passages, then IVF-SQ8), flat, ivf, "
                   "ivf-pq or hnsw. Kept for later updates; changing it re-indexes the stored "
                   "vectors without re-embedding.")
@click.option("--forget", "forget", multiple=True, metavar="PATH",
              help="Remove a recorded folder and its articles from the index (repeatable).")
@click.option("--follow-links", is_flag=True,
              help="Index files that symlinks lead to outside the folder (never /proc, /sys, "
                   "/dev).")
@click.option("--yes", is_flag=True,
              help="Confirm an update that removes more than half of the index.")
@click.option("--no-wait", is_flag=True, help="Fail at once if another update is running.")
@click.option("--cluster", metavar="ADDRESS", callback=check_cluster,
              help="Embed new passages on a Dask cluster: a scheduler address "
                   "(tcp://HOST:8786), or local[:N] for N single-thread worker processes here "
                   "(default N: one per core). Needs the 'cluster' extra.")
@click.option("--watch", is_flag=True,
              help="Keep running: apply new, changed, deleted and renamed files as they "
                   "settle (one line on stderr per update; ctrl+c stops).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary text.")
@store_option
@click.option("--from", "copy_from", metavar="DIR|URL", default=None,
              help="Copy the index in this folder or PostgreSQL database here (to --store or "
                   "--index-dir), vectors and all, without embedding again.")
@click.pass_context
def index(ctx: click.Context, paths: tuple[str, ...], **flags: Any) -> None:
    """Build or update the index from files and folders (.txt .md .html .pdf .docx .jsonl).

    Updates are incremental: only new, changed and deleted articles cost time.
    With no PATH, the folders the index records are scanned again (also with
    --rebuild); sample_articles/ for a new index. A recorded folder that is
    missing or unreadable keeps its articles until --forget removes them.
    With --watch, the index then follows PATH (or the recorded folders).
    """
    svc = service_for(settings_from(ctx, index_dir=index_dir_of(ctx, flags["index_dir"]),
                                    model=flags["model"], device=flags["device"],
                                    embed_url=flags["embed_url"],
                                    store=flags["store"]))
    if flags["copy_from"] is not None:
        _copy(svc, paths, flags)
        return

    def run_update() -> None:
        _update(svc, paths, flags)

    if not flags["watch"]:
        run_update()
        return
    if flags["forget"]:
        raise UsageError("--watch cannot be used with --forget")
    from assistant.cli.watch import watch as watch_folders

    watch_folders(svc, list(paths) or None, flags["as_json"], flags["quiet"], warn, json_text,
                  run_update, follow_links=flags["follow_links"], yes=flags["yes"])


def _on_wait() -> None:
    warn("another update is running; waiting for it…")


def _copy(svc: "Assistant", paths: tuple[str, ...], flags: dict[str, Any]) -> None:
    """`index --from`: the index copied as it is, so nothing that would change it goes with it."""
    if paths or any(flags[name] for name in ("forget", "rebuild", "index_type", "cluster", "watch")):
        raise UsageError("--from copies an index as it is: give no PATH, --forget, "
                         "--rebuild, --index-type, --cluster or --watch with it")
    summary = svc.copy_from(flags["copy_from"], yes=flags["yes"], wait=not flags["no_wait"],
                            on_wait=_on_wait)
    _print_summary(summary, flags)


def _update(svc: "Assistant", paths: tuple[str, ...], flags: dict[str, Any]) -> None:
    """One update, with a progress line unless --quiet; skipped files and warnings on stderr."""
    from assistant.app.service import IndexRequest
    from assistant.cli.progress import ProgressLine
    from assistant.present.wording import skipped_file

    bar = ProgressLine()
    bar.enabled = bar.enabled and not flags["quiet"]
    request = IndexRequest(list(paths) or None, rebuild=flags["rebuild"], wait=not flags["no_wait"],
                           index_type=flags["index_type"], forget=list(flags["forget"]),
                           follow_links=flags["follow_links"], yes=flags["yes"],
                           cluster=flags["cluster"])
    try:
        summary = svc.index(request, progress=bar, on_wait=_on_wait)
    finally:
        bar.close()
    if not flags["as_json"]:
        for item in summary.skipped:
            warn(skipped_file(item))
    for w in summary.warnings:
        warn(w)
    _print_summary(summary, flags)


def _print_summary(summary: "IndexSummary", flags: dict[str, Any]) -> None:
    from assistant.cli.render import render_summary

    if flags["as_json"]:
        click.echo(json_text(summary.to_json()))
        sys.stdout.flush()
    elif not flags["quiet"]:
        click.echo(render_summary(summary))

