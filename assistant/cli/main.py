"""`assistant` — the command line.

Data goes to stdout, diagnostics to stderr; each kind of failure has its own
exit code (see ``assistant.errors.ExitCode``); no traceback unless --debug.
"""

import itertools
import os
import sys

import click

from assistant import __version__
from assistant.errors import AssistantError, ExitCode, UsageError, error_for_os
from assistant.query.options import DEFAULT_MODE, MAX_K, MODES, parse_rerank
from assistant.store.index_types import INDEX_TYPES
from assistant.text.normalize import from_outside, json_text, printable


class OutsideText(click.ParamType):
    """An argument's text through the one sanitiser (``textutil.from_outside``):
    undecodable bytes and lone surrogates become U+FFFD. Paths keep their bytes."""

    name = "text"

    def convert(self, value, param, ctx):
        return from_outside(value) if isinstance(value, str) else value


TEXT = OutsideText()

INDEX_DIR_HELP = "Index folder [env ASSISTANT_INDEX_DIR; default ./index]."
STORE_HELP = ("Keep the index in PostgreSQL instead: postgresql://USER@HOST/DB (password from "
              "the URL or PG* variables) [env ASSISTANT_STORE].")


def store_option(f):
    return click.option("--store", metavar="URL", type=TEXT, default=None, help=STORE_HELP)(f)


FORMATS = ("text", "json", "markdown")


def _check_rerank(ctx, param, value):
    """A bad --rerank is a usage error before any work."""
    if value is not None:
        parse_rerank(value)
    return value


def _check_cluster(ctx, param, value):
    """A bad --cluster is a usage error before any work."""
    if value is None:
        return None
    from assistant.embedders.cluster import parse_cluster

    return parse_cluster(from_outside(value))


def _settings(ctx: click.Context, **flags):
    """Settings from these flags, ASSISTANT_* variables and the config file."""
    from assistant.app.settings import Settings, check_store

    store = flags.pop("store", None) or (ctx.obj or {}).get("store")
    return Settings.from_env(config=(ctx.obj or {}).get("config"),
                             store=check_store(store) if store else None, **flags)


def _service(settings, llm=None):
    from assistant.app.service import Assistant

    return Assistant(settings, llm=llm)


def _llm_config(settings, url=None, model=None, timeout=None, first_token_timeout=None):
    """The LLM configuration from options, ASSISTANT_LLM_* variables and the
    config file's [llm] table, or None (no URL anywhere: no LLM client loads)."""
    from assistant.llm.config import LLMConfig

    return LLMConfig.from_env(config=settings.config, url=url, model=model,
                              total_timeout=timeout, first_token_timeout=first_token_timeout)


def _check_seconds(ctx, param, value):
    """A number of seconds by the one rule (finite, above 0): a usage error."""
    if value is None:
        return None
    from assistant.config.layers import positive_number

    try:
        return positive_number(value)
    except UsageError as e:
        raise UsageError(f"{param.opts[0]} {value!r}: {e.message}") from None


def llm_options(f):
    """--llm and its companions, shared by `ask` and `chat`."""
    f = click.option("--llm-first-token-timeout", "llm_first_token_timeout", type=float,
                     callback=_check_seconds,
                     default=None, metavar="S",
                     help="Seconds to wait for the first token (and any later pause) "
                          "[env ASSISTANT_LLM_FIRST_TOKEN_TIMEOUT; default 60].")(f)
    f = click.option("--llm-timeout", "llm_timeout", type=float, default=None, metavar="S",
                     callback=_check_seconds,
                     help="Seconds for the whole generated answer "
                          "[env ASSISTANT_LLM_TOTAL_TIMEOUT; default 180].")(f)
    f = click.option("--llm-model", "llm_model", metavar="NAME", type=TEXT, default=None,
                     help="Model name to ask the server for [env ASSISTANT_LLM_MODEL].")(f)
    f = click.option("--llm", "llm_url", metavar="URL", type=TEXT, default=None,
                     help="Write answers in words with an OpenAI-compatible server, e.g. "
                          "http://localhost:11434/v1 (Ollama); citations are checked "
                          "[env ASSISTANT_LLM_URL; key from ASSISTANT_LLM_API_KEY or "
                          "OPENAI_API_KEY].")(f)
    return f


def _warn(message: str) -> None:
    """Every diagnostic line: user-derived text in it (paths, ids, reasons) goes
    through the one output path, so it can never drive the terminal."""
    from assistant.text.masking import mask  # a URL in a message never shows its password

    click.echo(f"assistant: {printable(mask(message))}", err=True)


def _color() -> bool:
    return sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--index-dir", "index_dir", metavar="DIR", help=INDEX_DIR_HELP)
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
@click.option("--index-dir", metavar="DIR", help=INDEX_DIR_HELP)
@click.option("--model", metavar="NAME", help="Model for a new index (as for `index`).")
@click.option("--device", metavar="DEV", help="Device for sentence-transformers (cpu, cuda, mps).")
@click.option("--watch/--no-watch", "watch", default=None,
              help="Index changes in the index's folders as they come; F3 switches "
                   "[env ASSISTANT_WATCH; default on].")
@click.option("--transcript", "transcript", metavar="FILE", type=click.Path(dir_okay=False),
              default=None, help="Write the conversation to FILE as Markdown when you quit "
                                 "(and on ctrl+s) [default: a new file in INDEX/transcripts/].")
@llm_options
@store_option
@click.pass_context
def chat(ctx, paths=(), index_dir=None, model=None, device=None, watch=None, transcript=None,
         store=None, llm_url=None, llm_model=None, llm_timeout=None, llm_first_token_timeout=None):
    """Open the chat (also what `assistant` alone does).

    With PATHs, they are indexed first (incrementally); with no index yet, the
    chat offers to build one from sample_articles/.
    """
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError("the chat needs a terminal; for scripts use: assistant ask --json")
    settings = _settings(ctx, index_dir=_index_dir(ctx, index_dir), model=model, device=device,
                         watch=watch, store=store)
    llm = _llm_config(settings, llm_url, llm_model, llm_timeout, llm_first_token_timeout)
    from assistant.tui.app import run_app

    code = run_app(settings=settings, paths=list(paths) or None, llm=llm, transcript=transcript)
    if code:
        sys.exit(code)


def _index_dir(ctx: click.Context, local: str | None) -> str | None:
    return local or (ctx.obj or {}).get("index_dir")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--index-dir", metavar="DIR", help=INDEX_DIR_HELP)
@click.option("--model", metavar="NAME",
              help="Embedding model: e5-small (bundled default), or a sentence-transformers "
                   "name or local path.")
@click.option("--device", metavar="DEV", help="Device for sentence-transformers (cpu, cuda, mps).")
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
@click.option("--cluster", metavar="ADDRESS", callback=_check_cluster,
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
def index(ctx, paths, index_dir, model, device, rebuild, index_type, forget, follow_links, yes,
          no_wait, cluster, watch, as_json, quiet, store, copy_from):
    """Build or update the index from files and folders (.txt .md .html .pdf .docx .jsonl).

    Updates are incremental: only new, changed and deleted articles cost time.
    With no PATH, the folders the index records are scanned again (also with
    --rebuild); sample_articles/ for a new index. A recorded folder that is
    missing or unreadable keeps its articles until --forget removes them.
    With --watch, the index then follows PATH (or the recorded folders).
    """
    from assistant.app.service import IndexRequest
    from assistant.cli.progress import ProgressLine
    from assistant.cli.render import render_summary
    from assistant.present.wording import skipped_file

    svc = _service(_settings(ctx, index_dir=_index_dir(ctx, index_dir), model=model,
                             device=device, store=store))
    if copy_from is not None:
        if paths or forget or rebuild or index_type or cluster or watch:
            raise UsageError("--from copies an index as it is: give no PATH, --forget, "
                             "--rebuild, --index-type, --cluster or --watch with it")
        summary = svc.copy_from(copy_from, yes=yes, wait=not no_wait,
                                on_wait=lambda: _warn("another update is running; waiting for it…"))
        if as_json:
            click.echo(json_text(summary.to_json()))
        elif not quiet:
            click.echo(render_summary(summary))
        return

    def run_update() -> None:
        bar = ProgressLine()
        bar.enabled = bar.enabled and not quiet
        try:
            summary = svc.index(
                IndexRequest(list(paths) or None, rebuild=rebuild, wait=not no_wait,
                             index_type=index_type, forget=list(forget),
                             follow_links=follow_links, yes=yes, cluster=cluster),
                progress=bar, on_wait=lambda: _warn("another update is running; waiting for it…"))
        finally:
            bar.close()
        if not as_json:
            for item in summary.skipped:
                _warn(skipped_file(item))
        for w in summary.warnings:
            _warn(w)
        if as_json:
            click.echo(json_text(summary.to_json()))
            sys.stdout.flush()
        elif not quiet:
            click.echo(render_summary(summary))

    if not watch:
        run_update()
        return
    if forget:
        raise UsageError("--watch cannot be used with --forget")
    from assistant.cli.watch import watch as watch_folders

    watch_folders(svc, list(paths) or None, as_json, quiet, _warn, json_text, run_update,
                  follow_links=follow_links, yes=yes)


def _stdin_lines():
    """Questions from stdin; bytes that are not UTF-8 become U+FFFD."""
    import io

    # Decoded as from_outside decodes bytes (errors="replace"), lines as text reads them.
    return map(from_outside, io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8",
                                              errors="replace"))


def _stdin_questions():
    """The lines of stdin; stdin with no question at all is a usage error."""
    lines = iter(_stdin_lines())
    for line in lines:
        if line.strip():  # read before any work: an empty pipe fails at once
            return itertools.chain([line], lines)
    raise UsageError("no question on stdin (pipe questions one per line, or give a QUESTION)")


def _ensure_index(svc, quiet: bool) -> None:
    """A fresh clone answers at once: build the sample index on first use."""
    sample = svc.sample_dir()
    if not sample or svc.has_index():
        return  # without a sample, the service raises NoIndexError with instructions
    if not quiet:
        _warn(f"no index in {svc.where()} yet; building it from {sample} "
              "(first run only)…")
    from assistant.app.service import IndexRequest
    from assistant.cli.progress import ProgressLine

    bar = ProgressLine()
    bar.enabled = bar.enabled and not quiet
    try:
        summary = svc.index(IndexRequest([sample]), progress=bar)
    finally:
        bar.close()
    if not quiet:
        _warn(f"indexed {summary.articles} articles ({summary.passages} passages) "
              f"in {summary.seconds:.1f} s")


@cli.command()
@click.argument("question", required=False, type=TEXT)
@click.option("-k", "k", type=click.IntRange(1, MAX_K), default=None,
              help="How many passages to cite [default 5].")
@click.option("--mode", type=click.Choice(MODES), default=None,
              help=f"Retrieval: {', '.join(MODES)} [env ASSISTANT_MODE; default {DEFAULT_MODE}].")
@click.option("--rerank", default=None, metavar="N|auto", type=TEXT, callback=_check_rerank,
              help="Re-score the top N passages by their best sentence: better ranking, slower. "
                   "'auto': the top 15, only for a question in another language than the "
                   "articles [env ASSISTANT_RERANK; default 0 = off].")
@click.option("--source", metavar="NAME", type=TEXT,
              help="Cite only articles of this source: a word or words of its name or web "
                   "address, any case (reuters, kompas.tv).")
@click.option("--since", metavar="DATE", type=TEXT,
              help="Cite only articles dated on or after DATE (YYYY-MM-DD, or 7d for seven days "
                   "ago); undated articles are left out.")
@click.option("--until", metavar="DATE", type=TEXT,
              help="Cite only articles dated on or before DATE (YYYY-MM-DD or 7d); undated "
                   "articles are left out.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question "
                                                      "(--format json).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="text (default), json, or markdown: the answer and every citation as the "
                   "chat's transcript writes them.")
@click.option("--index-dir", metavar="DIR", help=INDEX_DIR_HELP)
@click.option("--model", metavar="NAME", help="Check that the index was built with this model.")
@click.option("--device", metavar="DEV", help="Device for sentence-transformers (cpu, cuda, mps).")
@click.option("--follow-up", "follow_up", is_flag=True,
              help="Stdin questions form a conversation: a follow-up such as \"and where?\" "
                   "is searched with the question before it. A blank line starts afresh.")
@click.option("-q", "--quiet", is_flag=True, help="No notes on stderr.")
@store_option
@click.option("--server", "server", metavar="URL", type=TEXT, default=None,
              help="Ask a running `assistant serve` at URL (e.g. http://127.0.0.1:8000): no "
                   "model or index to load here.")
@click.option("--token", metavar="TOKEN", type=TEXT, default=None,
              help="With --server: the server's token [env ASSISTANT_TOKEN].")
@llm_options
@click.option("--translate", is_flag=True,
              help="With --llm: add the answer sentence translated into the question's language.")
@click.pass_context
def ask(ctx, question, k, mode, rerank, source, since, until, as_json, fmt, index_dir, model,
        device, follow_up, quiet, server, token, llm_url, llm_model, llm_timeout,
        llm_first_token_timeout, translate, store):
    """Answer QUESTION with cited passages.

    With no QUESTION, questions are read from stdin, one per line, and
    answered in turn with the model loaded once. With --llm URL, the answer is
    also written in words by that server, each sentence checked against the
    passages it cites; if the server fails, the cited passages still answer.
    --source, --since and --until choose the articles searched (not found when
    none matches). With --server URL, a running `assistant serve` answers.
    """
    from assistant.query.options import Filters

    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json and --format {fmt} disagree: give one of them")
    fmt = "json" if as_json else (fmt or "text")
    filters = Filters.parse(source, since, until)
    if question is not None:
        questions = iter([question])
    elif sys.stdin is None or sys.stdin.isatty():
        raise UsageError("give a QUESTION, or pipe questions to stdin one per line")
    else:
        questions = _stdin_questions()
    if server:
        svc, llm = _remote(server, token, _index_dir(ctx, index_dir), model, device, llm_url,
                           translate, store), None
    else:
        settings = _settings(ctx, index_dir=_index_dir(ctx, index_dir), model=model,
                             device=device, k=k, mode=mode, rerank=rerank, store=store)
        llm = _llm_config(settings, llm_url, llm_model, llm_timeout, llm_first_token_timeout)
        if translate and llm is None:
            raise UsageError("--translate needs an LLM: give --llm URL")
        svc = _service(settings, llm)
        _ensure_index(svc, quiet)
    chat = svc.conversation() if follow_up else None
    color = _color()
    first = True
    for q in questions:
        if question is None and not q.strip():  # a blank stdin line separates conversations
            if chat is not None:
                chat.reset()
            continue
        try:
            result = (chat or svc).ask(q.rstrip("\n"), k=k, mode=mode, rerank=rerank,
                                       filters=filters)
        except UsageError as e:
            if question is not None:
                raise
            # One bad line of a batch is reported and the batch goes on.
            if fmt == "json":
                click.echo(json_text({"question": q.rstrip("\n"), "error": e.message,
                                      "exit_code": e.exit_code}))
            else:
                _warn(f"error: {e.message} (line skipped)")
            continue
        if llm is not None:
            result = _generate(result, chat or svc, fmt != "text", first, translate)
        if fmt == "json":
            click.echo(json_text(result.to_json()))
        elif fmt == "markdown":
            from assistant.present.transcript import turn_markdown

            click.echo(("" if first else "\n") + turn_markdown(result.question, result), nl=False)
        else:
            if not first and llm is None:  # with an LLM the streamed part came first
                click.echo("")
            from assistant.cli.render import render_answer  # not needed for --json

            click.echo(render_answer(result, color, header=llm is None), color=color)
        sys.stdout.flush()
        first = False


def _remote(url, token, index_dir, model, device, llm_url, translate, store=None):
    """The server that answers `ask --server`; what only a local ask uses is refused."""
    local = [name for name, given in (("--index-dir", index_dir), ("--model", model),
                                      ("--device", device), ("--llm", llm_url),
                                      ("--translate", translate), ("--store", store)) if given]
    if local:
        raise UsageError(f"{', '.join(local)} cannot go with --server: the server has its own "
                         "index, model and LLM (see assistant serve --help)")
    from assistant.cli.remote import RemoteAssistant

    return RemoteAssistant(url, token or from_outside(os.environ.get("ASSISTANT_TOKEN", "")) or None)


def _generate(result, asker, as_json: bool, first: bool, translate: bool):
    """The LLM's answer: streamed to stdout as it arrives (human output), checked
    afterwards; a failure is one line on stderr and the extractive answer stands."""
    from assistant.cli.render import stream_header

    if not result.citations:  # no passage to read: the model is not asked
        return result
    on_token = None
    if not as_json:
        if not first:
            click.echo("")
        click.echo(stream_header(result), nl=False)
        sys.stdout.flush()

        def on_token(piece: str) -> None:
            click.echo(printable(piece), nl=False)
            sys.stdout.flush()

    result = asker.generate(result, on_token=on_token, translate=translate)
    if not as_json:
        click.echo("")
    if result.generated is not None and result.generated.error:
        _warn(f"{result.generated.error}; showing the extractive answer")
    return result


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, type=TEXT,
              help="Address to listen on; any but a loopback address needs --token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port; the URL is printed).")
@click.option("--token", metavar="TOKEN", type=TEXT, default=None,
              help="Every request must send Authorization: Bearer TOKEN [env ASSISTANT_TOKEN].")
@click.option("--index-dir", metavar="DIR", help=INDEX_DIR_HELP)
@click.option("--model", metavar="NAME", help="Check that the index was built with this model.")
@click.option("--device", metavar="DEV", help="Device for sentence-transformers (cpu, cuda, mps).")
@store_option
@llm_options
@click.pass_context
def serve(ctx, host, port, token, index_dir, model, device, store, llm_url, llm_model,
          llm_timeout, llm_first_token_timeout):
    """Answer over HTTP with the model and index loaded once (OpenAPI at /docs).

    POST /ask gives the JSON of `ask --json`; POST /ask/stream the same as
    server-sent events; GET /articles, GET /articles/ID; POST /index updates
    the index as a job (GET /index/JOB); GET /health. Needs the serve extra:
    pip install 'assistant[serve]'.
    """
    from assistant.api.server import check_bind, check_token, require_extra
    from assistant.api.server import serve as run_server

    token = check_token(token if token is not None else os.environ.get("ASSISTANT_TOKEN"))
    require_extra()
    check_bind(host, token)  # before any loading: a refused address fails at once
    settings = _settings(ctx, index_dir=_index_dir(ctx, index_dir), model=model, device=device,
                         store=store)
    llm = _llm_config(settings, llm_url, llm_model, llm_timeout, llm_first_token_timeout)
    svc = _service(settings, llm)
    _ensure_index(svc, False)
    if svc.has_index():
        svc.load_model()  # the first question does not pay for it
    try:
        run_server(svc, host, port, token,
                   on_ready=lambda url: _warn(f"serving {url} (OpenAPI at {url}/docs); "
                                              "ctrl+c stops"))
    finally:
        svc.close()


@cli.command()
@click.option("--index-dir", metavar="DIR", help=INDEX_DIR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
@click.option("--check", is_flag=True, help="Also verify that vectors and rows agree.")
@store_option
@click.pass_context
def info(ctx, index_dir, as_json, check, store):
    """Show what the index holds (articles, passages, model, size, last update),
    and each setting with where it came from: flag, environment, config file or default."""
    from assistant.cli.render import render_info
    from assistant.errors import CorruptIndexError

    settings = _settings(ctx, index_dir=_index_dir(ctx, index_dir), store=store)
    svc = _service(settings)
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
@click.option("--rerank", default=None, metavar="N|auto", callback=_check_rerank,
              help="As for ask: re-score the top N passages by their best sentence.")
@click.option("--index-dir", metavar="DIR", help=INDEX_DIR_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("--details", is_flag=True, help="With --json: include every question's result.")
@store_option
@click.pass_context
def eval_cmd(ctx, file, mode, k, rerank, index_dir, as_json, details, store):
    """Measure retrieval and answers on FILE.jsonl of questions with gold references,
    or on a news_dev-style folder (questions.jsonl, offtopic.jsonl, articles/).

    Each line: {"question", "gold_article_id" or "gold_text", "answers": [...],
    "unanswerable": false}; optional "follow_up": true (asked in one conversation
    with the line before), "lang", "article_lang" and "kind" (figures per group).
    """
    from assistant.app.evaluation import evaluate, load_questions
    from assistant.cli.progress import ProgressLine
    from assistant.cli.render import render_eval

    svc = _service(_settings(ctx, index_dir=_index_dir(ctx, index_dir), store=store))
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
        _warn("interrupted")
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
        _warn(f"error: {e.message}")
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        _warn("interrupted")
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
            _warn(f"internal error: {type(e).__name__}: {e} (run with --debug for a traceback)")
            sys.exit(ExitCode.INTERNAL)
        _warn(f"error: {err.message}")
        sys.exit(err.exit_code)
    except Exception as e:  # noqa: BLE001 - last resort: no traceback for users
        if debug:
            raise
        _warn(f"internal error: {type(e).__name__}: {e} (run with --debug for a traceback)")
        sys.exit(ExitCode.INTERNAL)
    sys.exit(ExitCode.OK)
