"""The options several commands share, declared once: where the index is and
which model reads it (``index_options``), the store, the LLM, and the text
type every argument goes through."""

from collections.abc import Callable
from typing import Any, TypeVar

import click

from assistant.errors import UsageError
from assistant.query.options import parse_rerank
from assistant.text.normalize import from_outside

Command = TypeVar("Command", bound=Callable[..., Any])


class OutsideText(click.ParamType):
    """An argument's text through the one sanitiser (``text.normalize.from_outside``):
    undecodable bytes and lone surrogates become U+FFFD. Paths keep their bytes."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return from_outside(value) if isinstance(value, str) else value


TEXT = OutsideText()

INDEX_DIR_HELP = "Index folder [env ASSISTANT_INDEX_DIR; default ./index]."
DEVICE_HELP = "Device for sentence-transformers (cpu, cuda, mps)."
# --model of the commands that read an index: the index names its own model.
CHECK_MODEL_HELP = "Check that the index was built with this model."
EMBED_URL_HELP = ("The embedding server of an openai:MODEL model: its API base, e.g. "
                  "http://localhost:11434/v1 [env ASSISTANT_EMBED_URL; key from "
                  "ASSISTANT_EMBED_API_KEY].")
STORE_HELP = ("Keep the index in PostgreSQL instead: postgresql://USER@HOST/DB (password from "
              "the URL or PG* variables) [env ASSISTANT_STORE].")


def index_options(model_help: str | None = CHECK_MODEL_HELP) -> Callable[[Command], Command]:
    """--index-dir, and unless ``model_help`` is None --model (with that help),
    --embed-url and --device: the same options, in this order, on every command."""

    def decorate(f: Command) -> Command:
        if model_help is not None:  # applied bottom-up: --device is listed last
            f = click.option("--device", metavar="DEV", help=DEVICE_HELP)(f)
            f = click.option("--embed-url", "embed_url", metavar="URL", type=TEXT,
                             callback=check_embed_url, help=EMBED_URL_HELP)(f)
            f = click.option("--model", metavar="NAME", help=model_help)(f)
        return click.option("--index-dir", "index_dir", metavar="DIR", help=INDEX_DIR_HELP)(f)

    return decorate


def check_embed_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A bad --embed-url is a usage error before any work."""
    if value is None:
        return None
    from assistant.embedders.remote import check_url

    return check_url(value)


def store_option(f: Command) -> Command:
    return click.option("--store", metavar="URL", type=TEXT, default=None, help=STORE_HELP)(f)


def check_rerank(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A bad --rerank is a usage error before any work."""
    if value is not None:
        parse_rerank(value)
    return value


def check_seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A number of seconds by the one rule (finite, above 0): a usage error."""
    if value is None:
        return None
    from assistant.config.layers import positive_number

    try:
        return positive_number(value)
    except UsageError as e:
        raise UsageError(f"{param.opts[0]} {value!r}: {e.message}") from None


def llm_options(f: Command) -> Command:
    """--llm and its companions, shared by `ask`, `chat` and `serve`."""
    f = click.option("--llm-first-token-timeout", "llm_first_token_timeout", type=float,
                     callback=check_seconds,
                     default=None, metavar="S",
                     help="Seconds to wait for the first token (and any later pause) "
                          "[env ASSISTANT_LLM_FIRST_TOKEN_TIMEOUT; default 60].")(f)
    f = click.option("--llm-timeout", "llm_timeout", type=float, default=None, metavar="S",
                     callback=check_seconds,
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
