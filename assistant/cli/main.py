"""`assistant` — the command line.

Data goes to stdout, diagnostics to stderr; each kind of failure has its own
exit code (see ``assistant.errors.ExitCode``); no traceback unless --debug.
The group, `chat`, `info` and `eval` are here; `ask`, `index` and `serve` have
their own modules.
"""

import os
import sys
from typing import Any

import click

from assistant import __version__
from assistant.cli.ask import ask
from assistant.cli.context import index_dir_of, llm_config_from, service_for, settings_from, warn
from assistant.cli.index import index
from assistant.cli.mcp import mcp
from assistant.cli.options import check_rerank, index_options, llm_options, store_option
from assistant.cli.serve import serve
from assistant.errors import AssistantError, ExitCode, UsageError, error_for_os
from assistant.query.options import DEFAULT_MODE, MAX_K, MODES
from assistant.text.normalize import json_text, printable


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@index_options(model_help=None)
@click.option("--config", "config", metavar="FILE",
              help="Settings file (TOML) [env ASSISTANT_CONFIG; default ./assistant.toml, else "
                   "config.toml in the user's config folder; 'none' reads no file].")
@store_option
@click.version_option(__version__, prog_name="assistant")
@click.pass_context
def cli(ctx: click.Context, debug: bool, index_dir: str | None, config: str | None,
        store: str | None) -> None:
    """Ask questions about your news articles, in any language.

    Run with no command to open the chat; `assistant index` builds the index,
    `assistant ask` answers from scripts. Settings come from flags, then
    ASSISTANT_* variables, then the config file, then defaults (`assistant
    info` shows where each came from).
    """
    ctx.ensure_object(dict)
    ctx.obj["index_dir"] = index_dir
    ctx.obj["config"] = config
    ctx.obj["store"] = store
    if ctx.invoked_subcommand is None:
        ctx.invoke(chat)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@index_options("Model for a new index (as for `index`).")
@click.option("--watch/--no-watch", "watch", default=None,
              help="Index changes in the index's folders as they come; F3 switches "
                   "[env ASSISTANT_WATCH; default on].")
@click.option("--transcript", "transcript", metavar="FILE", type=click.Path(dir_okay=False),
              default=None, help="Write the conversation to FILE as Markdown when you quit "
                                 "(and on ctrl+s) [default: a new file in INDEX/transcripts/].")
@llm_options
@store_option
@click.pass_context
def chat(ctx: click.Context, paths: tuple[str, ...] = (), **flags: Any) -> None:
    """Open the chat (also what `assistant` alone does).

    With PATHs, they are indexed first (incrementally); with no index yet, the
    chat offers to build one from sample_articles/.
    """
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError("the chat needs a terminal; for scripts use: assistant ask --json")
    settings = settings_from(ctx, index_dir=index_dir_of(ctx, flags["index_dir"]),
                             model=flags["model"], device=flags["device"],
                             embed_url=flags["embed_url"], watch=flags["watch"],
                             store=flags["store"])
    llm = llm_config_from(settings, flags)
    from assistant.tui.app import run_app

    code = run_app(settings=settings, paths=list(paths) or None, llm=llm,
                   transcript=flags["transcript"])
    if code:
        sys.exit(code)


for command in (ask, index, serve, mcp):
    cli.add_command(command)


@cli.command()
@index_options(model_help=None)
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
@click.option("--check", is_flag=True, help="Also verify that vectors and rows agree.")
@store_option
@click.pass_context
def info(ctx: click.Context, index_dir: str | None, as_json: bool, check: bool,
         store: str | None) -> None:
    """Show what the index holds (articles, passages, model, size, last update),
    and each setting with where it came from: flag, environment, config file or default."""
    from assistant.cli.render import render_info
    from assistant.errors import CorruptIndexError

    settings = settings_from(ctx, index_dir=index_dir_of(ctx, index_dir), store=store)
    svc = service_for(settings)
    problems = svc.verify() if check else []  # before anything else reads damaged pages
    if problems:
        raise CorruptIndexError("index check failed: " + "; ".join(problems)
                                + "; rebuild with: assistant index --rebuild")
    info = svc.info()
    if as_json:
        data = {**info.to_json(), "config_file": settings.config.path,
                "settings": settings.describe()}
        if check:
            data["problems"] = problems
        click.echo(json_text(data))
    else:
        click.echo(render_info(info, settings.config.path, settings.describe()))
        if check:
            click.echo("check         " + ("; ".join(problems) or "ok"))
    if check and problems:
        raise CorruptIndexError("index check failed: " + "; ".join(problems)
                                + "; rebuild with: assistant index --rebuild")


@cli.command("eval")
@click.argument("file", type=click.Path())
@click.option("--mode", type=click.Choice(MODES), default=DEFAULT_MODE,
              show_default=True, help="Retrieval mode to evaluate.")
@click.option("-k", "k", type=click.IntRange(1, MAX_K), default=10, show_default=True,
              help="Citations per question (MRR is computed within them).")
@click.option("--rerank", default=None, metavar="N|auto", callback=check_rerank,
              help="As for ask: re-score the top N passages by their best sentence.")
@index_options(model_help=None)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--details", is_flag=True, help="With --json: include every question's result.")
@store_option
@click.pass_context
def eval_cmd(ctx: click.Context, file: str, mode: str, k: int, rerank: str | None,
             index_dir: str | None, as_json: bool, details: bool, store: str | None) -> None:
    """Measure retrieval and answers on FILE.jsonl of questions with gold references,
    or on a news_dev-style folder (questions.jsonl, offtopic.jsonl, articles/).

    Each line: {"question", "gold_article_id" or "gold_text", "answers": [...],
    "unanswerable": false}; optional "follow_up": true (asked in one conversation
    with the line before), "lang", "article_lang" and "kind" (figures per group).
    """
    from assistant.app.evaluation import evaluate, load_questions
    from assistant.cli.progress import ProgressLine
    from assistant.cli.render import render_eval

    svc = service_for(settings_from(ctx, index_dir=index_dir_of(ctx, index_dir), store=store))
    questions = load_questions(file)
    bar = ProgressLine()
    try:
        report = evaluate(svc.conversation, questions, file, mode, k, progress=bar,
                          rerank=rerank)
    finally:
        bar.close()
    data = report.to_dict(with_details=details)
    if as_json:
        click.echo(json_text(data))
        return
    click.echo(render_eval(report))


def _take_debug(argv: list[str]) -> tuple[list[str], bool]:
    """--debug is accepted anywhere before a "--" (it is a group option for click)."""
    end = argv.index("--") if "--" in argv else len(argv)
    rest = [a for a in argv[:end] if a != "--debug"] + argv[end:]
    return rest, len(rest) != len(argv)


def main(argv: list[str] | None = None) -> None:
    argv, debug = _take_debug(list(sys.argv[1:] if argv is None else argv))
    debug = debug or bool(os.environ.get("ASSISTANT_DEBUG"))
    if debug:
        argv = ["--debug", *argv]
    try:
        cli.main(args=argv, prog_name="assistant", standalone_mode=False)
    except click.exceptions.Abort:
        warn("interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as e:
        import io

        shown = io.StringIO()
        e.show(file=shown)  # it may quote the user's arguments
        click.echo(printable(shown.getvalue()), err=True, nl=False)
        sys.exit(ExitCode.USAGE if e.exit_code == 2 else e.exit_code)
    except AssistantError as e:
        if debug:
            raise
        warn(f"error: {e.message}")
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        warn("interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a message.
        try:
            sys.stdout = open(os.devnull, "w")
        finally:
            sys.exit(ExitCode.OK)
    except OSError as e:
        if debug:
            raise
        err = error_for_os(e, e.filename or "a file")
        if err is None:
            warn(f"internal error: {type(e).__name__}: {e} (run with --debug for a traceback)")
            sys.exit(ExitCode.INTERNAL)
        warn(f"error: {err.message}")
        sys.exit(err.exit_code)
    except Exception as e:  # noqa: BLE001 - last resort: no traceback for users
        if debug:
            raise
        warn(f"internal error: {type(e).__name__}: {e} (run with --debug for a traceback)")
        sys.exit(ExitCode.INTERNAL)
    sys.exit(ExitCode.OK)
