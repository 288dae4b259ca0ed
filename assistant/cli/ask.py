"""`assistant ask`: questions from the command line or stdin, answered here or
by a running `assistant serve`, printed as text, JSON or Markdown."""

import itertools
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from assistant.cli.context import (
    ensure_index,
    index_dir_of,
    llm_config_from,
    service_for,
    settings_from,
    use_color,
    warn,
)
from assistant.cli.options import TEXT, check_rerank, index_options, llm_options, store_option
from assistant.errors import UsageError
from assistant.query.options import DEFAULT_MODE, MAX_K, MODES, Filters
from assistant.results import AskResult
from assistant.text.normalize import from_outside, json_text, printable

if TYPE_CHECKING:
    from assistant.cli.remote import RemoteAssistant
    from assistant.llm.config import LLMConfig

FORMATS = ("text", "json", "markdown")


@dataclass(frozen=True)
class QuestionFlags:
    """The question options as given (None: the settings' default, or the
    server's). Not ``query.options.Query``, which holds resolved values: with
    --server what was not given is left to the server."""

    k: int | None
    mode: str | None
    rerank: str | None
    filters: Filters

    def ask(self, asker: Any, question: str) -> AskResult:
        return asker.ask(question, k=self.k, mode=self.mode, rerank=self.rerank,
                         filters=self.filters)


@click.command()
@click.argument("question", required=False, type=TEXT)
@click.option("-k", "k", type=click.IntRange(1, MAX_K), default=None,
              help="How many passages to cite [default 5].")
@click.option("--mode", type=click.Choice(MODES), default=None,
              help=f"Retrieval: {', '.join(MODES)} [env ASSISTANT_MODE; default {DEFAULT_MODE}].")
@click.option("--rerank", default=None, metavar="N|auto", type=TEXT, callback=check_rerank,
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
@index_options()
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
def ask(ctx: click.Context, question: str | None, **flags: Any) -> None:
    """Answer QUESTION with cited passages.

    With no QUESTION, questions are read from stdin, one per line, and
    answered in turn with the model loaded once. With --llm URL, the answer is
    also written in words by that server, each sentence checked against the
    passages it cites; if the server fails, the cited passages still answer.
    --source, --since and --until choose the articles searched (not found when
    none matches). With --server URL, a running `assistant serve` answers.
    """
    fmt = _output_format(flags["as_json"], flags["fmt"])
    options = QuestionFlags(flags["k"], flags["mode"], flags["rerank"],
                            Filters.parse(flags["source"], flags["since"], flags["until"]))
    lines = _questions(question)
    asker, llm = _asker(ctx, flags)
    chat = asker.conversation() if flags["follow_up"] else None
    printer = AnswerPrinter(fmt, with_llm=llm is not None)
    for line in lines:
        if question is None and not line.strip():  # a blank stdin line separates conversations
            if chat is not None:
                chat.reset()
            continue
        result = _answer(chat or asker, line.rstrip("\n"), options, fmt, batch=question is None)
        if result is None:
            continue
        if llm is not None:
            result = _generate(result, chat or asker, fmt != "text", printer.first,
                               flags["translate"])
        printer.show(result)


def _output_format(as_json: bool, fmt: str | None) -> str:
    if as_json and fmt not in (None, "json"):
        raise UsageError(f"--json and --format {fmt} disagree: give one of them")
    return "json" if as_json else (fmt or "text")


def _questions(question: str | None) -> Iterator[str]:
    """The one QUESTION, else the lines of stdin."""
    if question is not None:
        return iter([question])
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("give a QUESTION, or pipe questions to stdin one per line")
    return _stdin_questions()


def _stdin_lines() -> Iterator[str]:
    """Questions from stdin; bytes that are not UTF-8 become U+FFFD."""
    import io

    # Decoded as from_outside decodes bytes (errors="replace"), lines as text reads them.
    return map(from_outside, io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8",
                                              errors="replace"))


def _stdin_questions() -> Iterator[str]:
    """The lines of stdin; stdin with no question at all is a usage error."""
    lines = iter(_stdin_lines())
    for line in lines:
        if line.strip():  # read before any work: an empty pipe fails at once
            return itertools.chain([line], lines)
    raise UsageError("no question on stdin (pipe questions one per line, or give a QUESTION)")


def _asker(ctx: click.Context, flags: dict[str, Any]) -> "tuple[Any, LLMConfig | None]":
    """Who answers: the server of --server, else the service over the local index
    (built from the samples on first use), with its LLM configuration."""
    index_dir = index_dir_of(ctx, flags["index_dir"])
    if flags["server"]:
        return _remote(flags, index_dir), None
    settings = settings_from(ctx, index_dir=index_dir, model=flags["model"],
                             device=flags["device"], embed_url=flags["embed_url"],
                             k=flags["k"], mode=flags["mode"],
                             rerank=flags["rerank"], store=flags["store"])
    llm = llm_config_from(settings, flags)
    if flags["translate"] and llm is None:
        raise UsageError("--translate needs an LLM: give --llm URL")
    svc = service_for(settings, llm)
    ensure_index(svc, flags["quiet"])
    return svc, llm


def _remote(flags: dict[str, Any], index_dir: str | None) -> "RemoteAssistant":
    """The server that answers `ask --server`; what only a local ask uses is refused."""
    local = [name for name, given in (("--index-dir", index_dir), ("--model", flags["model"]),
                                      ("--device", flags["device"]),
                                      ("--embed-url", flags["embed_url"]),
                                      ("--llm", flags["llm_url"]),
                                      ("--translate", flags["translate"]),
                                      ("--store", flags["store"])) if given]
    if local:
        raise UsageError(f"{', '.join(local)} cannot go with --server: the server has its own "
                         "index, model and LLM (see assistant serve --help)")
    from assistant.cli.remote import RemoteAssistant

    token = flags["token"] or from_outside(os.environ.get("ASSISTANT_TOKEN", "")) or None
    return RemoteAssistant(flags["server"], token)


def _answer(asker: Any, question: str, options: QuestionFlags, fmt: str,
            batch: bool) -> AskResult | None:
    """The answer to one question; in a batch, a bad line is reported and skipped (None)."""
    try:
        return options.ask(asker, question)
    except UsageError as e:
        if not batch:
            raise
        # One bad line of a batch is reported and the batch goes on.
        if fmt == "json":
            click.echo(json_text({"question": question, "error": e.message,
                                  "exit_code": e.exit_code}))
        else:
            warn(f"error: {e.message} (line skipped)")
        return None


class AnswerPrinter:
    """Each answer in the chosen format on stdout, flushed as it comes; answers
    after the first are set apart."""

    def __init__(self, fmt: str, with_llm: bool) -> None:
        self.fmt = fmt
        self.with_llm = with_llm  # the question and the streamed answer were printed already
        self.color = use_color()
        self.first = True

    def show(self, result: AskResult) -> None:
        if self.fmt == "json":
            click.echo(json_text(result.to_json()))
        elif self.fmt == "markdown":
            from assistant.present.transcript import turn_markdown

            click.echo(("" if self.first else "\n") + turn_markdown(result.question, result),
                       nl=False)
        else:
            if not self.first and not self.with_llm:  # with an LLM the streamed part came first
                click.echo("")
            from assistant.cli.render import render_answer  # not needed for --json

            click.echo(render_answer(result, self.color, header=not self.with_llm),
                       color=self.color)
        sys.stdout.flush()
        self.first = False


def _generate(result: AskResult, asker: Any, as_json: bool, first: bool,
              translate: bool) -> AskResult:
    """The LLM's answer: streamed to stdout as it arrives (human output), checked
    afterwards; a failure is one line on stderr and the extractive answer stands."""
    from assistant.cli.render import stream_header

    if not result.citations:  # no passage to read: the model is not asked
        return result
    if not as_json:
        if not first:
            click.echo("")
        click.echo(stream_header(result), nl=False)
        sys.stdout.flush()
    result = asker.generate(result, on_token=None if as_json else _print_token,
                            translate=translate)
    if not as_json:
        click.echo("")
    if result.generated is not None and result.generated.error:
        warn(f"{result.generated.error}; showing the extractive answer")
    return result


def _print_token(piece: str) -> None:
    click.echo(printable(piece), nl=False)
    sys.stdout.flush()
