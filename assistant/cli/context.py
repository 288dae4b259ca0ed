"""What every command builds from its flags and the group's: the settings, the
service and the LLM configuration; and the one path for diagnostics."""

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from assistant.text.normalize import printable

if TYPE_CHECKING:
    from assistant.app.service import Assistant
    from assistant.app.settings import Settings
    from assistant.llm.config import LLMConfig


def warn(message: str) -> None:
    """Every diagnostic line: user-derived text in it (paths, ids, reasons) goes
    through the one output path, so it can never drive the terminal."""
    from assistant.text.masking import mask  # a URL in a message never shows its password

    click.echo(f"assistant: {printable(mask(message))}", err=True)


def use_color() -> bool:
    return sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


def index_dir_of(ctx: click.Context, local: str | None) -> str | None:
    """The command's --index-dir, else the group's."""
    return local or (ctx.obj or {}).get("index_dir")


def settings_from(ctx: click.Context, **flags: Any) -> "Settings":
    """Settings from these flags, ASSISTANT_* variables and the config file."""
    from assistant.app.settings import Settings, check_store

    store = flags.pop("store", None) or (ctx.obj or {}).get("store")
    return Settings.from_env(config=(ctx.obj or {}).get("config"),
                             store=check_store(store) if store else None, **flags)


def service_for(settings: "Settings", llm: "LLMConfig | None" = None) -> "Assistant":
    from assistant.app.service import Assistant

    return Assistant(settings, llm=llm)


def llm_config_from(settings: "Settings", flags: dict[str, Any]) -> "LLMConfig | None":
    """The LLM configuration from the --llm* ``flags``, ASSISTANT_LLM_* variables
    and the config file's [llm] table, or None (no URL anywhere: no LLM client loads)."""
    from assistant.llm.config import LLMConfig

    return LLMConfig.from_env(config=settings.config, url=flags["llm_url"],
                              model=flags["llm_model"], total_timeout=flags["llm_timeout"],
                              first_token_timeout=flags["llm_first_token_timeout"])


def ensure_index(svc: "Assistant", quiet: bool) -> None:
    """A fresh clone answers at once: build the sample index on first use."""
    sample = svc.sample_dir()
    if not sample or svc.has_index():
        return  # without a sample, the service raises NoIndexError with instructions
    if not quiet:
        warn(f"no index in {svc.where()} yet; building it from {sample} "
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
        warn(f"indexed {summary.articles} articles ({summary.passages} passages) "
             f"in {summary.seconds:.1f} s")
