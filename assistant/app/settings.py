"""Settings from flags, the environment (prefix ``ASSISTANT_``), the config
file (``assistant.config.layers``) and defaults, in that order of precedence.

A plain dataclass rather than pydantic-settings: it is read on every cold
``ask``, where importing pydantic would cost more than answering the question.
"""

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from assistant.config.layers import (
    DEFAULT,
    NO_FILE,
    ConfigFile,
    Origin,
    expect,
    file_path_value,
    load_config,
    resolve,
    shown,
)
from assistant.errors import UsageError
from assistant.llm.config import SECTION as LLM_SECTION
from assistant.llm.config import LLMConfig, resolve_llm
from assistant.query.options import DEFAULT_MODE, check_k, check_mode, parse_rerank
from assistant.store.urls import is_postgres
from assistant.text.normalize import from_outside

ENV_PREFIX = "ASSISTANT_"
# The flag that sets each setting, as `info` names it.
FLAGS = {"k": "-k", "index_dir": "--index-dir", "model": "--model", "device": "--device",
         "mode": "--mode", "rerank": "--rerank", "watch": "--watch/--no-watch",
         "store": "--store", "embed_url": "--embed-url"}
PATH_SETTINGS = ("index_dir", "sample_dir")  # relative to the config file's folder


def find_sample_dir(setting: str | None = None) -> str | None:
    """The folder to build a first index from: the setting if given ("none" turns
    it off), else ``sample_articles/`` in the working directory, else beside the
    package (a source checkout)."""
    if setting:
        return None if setting.lower() == "none" else setting
    for candidate in (Path.cwd() / "sample_articles",
                      Path(__file__).resolve().parents[2] / "sample_articles"):
        if candidate.is_dir():
            return str(candidate)
    return None


@dataclass
class Settings:
    index_dir: str = "index"
    model: str | None = None  # None: the index's model, or the bundled e5-small for a new index
    device: str | None = None  # sentence-transformers device: cpu, cuda, mps
    k: int = 5
    mode: str = DEFAULT_MODE
    # Re-score this many top candidates by their best sentence (slower): "0" never,
    # "auto" the top 15 of a question in another language than the articles.
    rerank: str = "0"
    sample_dir: str | None = None  # where a first index comes from; "none" to disable
    # A PostgreSQL URL (postgresql://…) to keep the index in instead of index_dir.
    store: str | None = None
    # An embedding server's API base for `openai:MODEL` models (embedders/remote.py),
    # and the prefixes its texts are sent with (auto: e5-style for e5 models).
    embed_url: str | None = None
    embed_prefixes: str | None = None
    # Tesseract's languages for pages without text and images (None: ind+eng).
    ocr_languages: str | None = None
    # Where each setting came from (absent: its default), and the file read.
    origins: dict[str, Origin] = field(default_factory=dict, compare=False, repr=False)
    config: ConfigFile = field(default=NO_FILE, compare=False, repr=False)
    watch: bool = True  # the chat watches the index's folders (ASSISTANT_WATCH=0: off)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name not in ("origins", "config")]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, config: str | None = None,
                 config_file: ConfigFile | None = None, **overrides: Any) -> "Settings":
        """Settings from ``overrides`` (flags; None: not given), then
        ``ASSISTANT_*`` variables, then the config file (``config``: its path
        from --config; ``config_file``: one already read), then defaults. A bad
        value is a usage error that names its variable, or the file and key."""
        environ = os.environ if environ is None else environ
        file = config_file if config_file is not None else load_config(config, environ)
        kinds = {f.name: f.type for f in fields(cls)}

        def from_file(name: str, value: Any) -> Any:
            if name == "k":
                return check_k(expect(value, int))
            if name == "rerank":  # a number or "auto"
                return str(parse_rerank(expect(value, (int, str))))
            if kinds[name] is bool:
                return expect(value, bool)
            value = _parse(name, expect(value, str))
            return file_path_value(value, file) if name in PATH_SETTINGS and \
                value.lower() != "none" else value

        values, origins = resolve(cls.names(), ENV_PREFIX, file, None, environ, overrides,
                                  _parse, from_file, FLAGS, tables=(LLM_SECTION,))
        resolve_llm(environ, file, {})  # a bad [llm] value fails every command, not only --llm
        return cls(**values, origins=origins, config=file)

    def origin(self, name: str) -> Origin:
        return self.origins.get(name, DEFAULT)

    def describe(self, environ: Mapping[str, str] | None = None) -> dict[str, dict]:
        """Each setting (the LLM's as ``llm.NAME``) with its value and where it
        came from, for `assistant info`. An API key is never shown."""
        out = {name: {"value": shown(getattr(self, name)), **self.origin(name).to_json()}
               for name in self.names()}
        values, origins = resolve_llm(environ, self.config, {})
        for f in fields(LLMConfig):
            value = values.get(f.name, None if f.default is MISSING else f.default)
            if f.name == "api_key" and value:
                value = "(set)"
            out[f"{LLM_SECTION}.{f.name}"] = {"value": shown(value),
                                               **origins.get(f.name, DEFAULT).to_json()}
        return out


def _parse(field: str, raw: str) -> Any:
    """One setting from its text; bad values raise ``UsageError``."""
    if field not in PATH_SETTINGS:  # a folder's name keeps its bytes
        raw = from_outside(raw)
    if field == "k":
        try:
            return check_k(int(raw))
        except ValueError:
            raise UsageError("k must be a whole number") from None
    if field == "mode":
        return check_mode(raw)
    if field == "rerank":
        parse_rerank(raw)
    if field == "watch":
        return _flag(raw)
    if field == "store":
        return check_store(raw)
    if field == "ocr_languages":
        from assistant.ingest.ocr import languages

        return languages(raw)
    if field in ("embed_url", "embed_prefixes"):
        from assistant.embedders.remote import check_url, parse_prefixes

        if field == "embed_url":
            return check_url(raw)
        parse_prefixes(raw)
    return raw


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise UsageError("must be 1 or 0 (also true/false, yes/no, on/off)")


def check_store(raw: str) -> str:
    """A store is a PostgreSQL URL; a folder is given with --index-dir."""
    if not is_postgres(raw):
        raise UsageError("the store must be a postgresql:// URL (a local index folder is "
                         "given with --index-dir)")
    return raw
