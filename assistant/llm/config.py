"""Where the LLM server is and how long to wait for it.

Options win over ``ASSISTANT_LLM_*`` variables, which win over the config
file's ``[llm]`` table, which wins over defaults. The API key comes from
``ASSISTANT_LLM_API_KEY``, else the file's ``llm.api_key``, else
``OPENAI_API_KEY`` (a local server needs none).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from assistant.config.layers import NO_FILE, ConfigFile, Origin, expect, positive_number, resolve
from assistant.errors import UsageError
from assistant.text.masking import mask
from assistant.text.normalize import from_outside

ENV_PREFIX = "ASSISTANT_LLM_"
SECTION = "llm"  # the config file's table
TIMEOUTS = ("connect_timeout", "first_token_timeout", "total_timeout")
FLAGS = {"url": "--llm", "model": "--llm-model", "total_timeout": "--llm-timeout",
         "first_token_timeout": "--llm-first-token-timeout"}


@dataclass(frozen=True)
class LLMConfig:
    url: str  # base URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1
    model: str = "default"  # llama-server serves whatever it loaded; Ollama needs a name
    api_key: str | None = None
    connect_timeout: float = 5.0  # seconds to reach the server
    first_token_timeout: float = 60.0  # seconds to the first token (also any later gap)
    total_timeout: float = 180.0  # seconds for the whole answer
    max_tokens: int = 400
    temperature: float = 0.1
    passages: int = 5  # how many of the top passages the model reads

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, config: ConfigFile = NO_FILE,
                 **overrides: Any) -> "LLMConfig | None":
        """The configuration, or None when no URL is given anywhere (no LLM)."""
        values, _ = resolve_llm(environ, config, overrides)
        if not values.get("url"):
            return None
        url = str(values["url"]).rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise UsageError("--llm must be an http(s) URL of an OpenAI-compatible API, not "
                             f"{mask(url)!r}")
        values["url"] = url
        return cls(**values)


def resolve_llm(environ: Mapping[str, str] | None, config: ConfigFile,
                overrides: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Origin]]:
    """The LLM settings given anywhere, and where each came from."""
    environ = os.environ if environ is None else environ
    kinds = {f.name: _kind(f.type) for f in fields(LLMConfig)}

    def from_text(name: str, raw: str) -> Any:
        raw = from_outside(raw)
        if name in TIMEOUTS:
            return positive_number(raw)
        try:
            return kinds[name](raw)
        except ValueError:
            raise UsageError("must be a number") from None

    def from_file(name: str, value: Any) -> Any:
        kind = kinds[name]
        if name in TIMEOUTS:
            return positive_number(expect(value, (int, float)))
        return kind(expect(value, (int, float) if kind is float else kind))

    values, origins = resolve(list(kinds), ENV_PREFIX, config, SECTION, environ, overrides,
                              from_text, from_file, FLAGS)
    for name in TIMEOUTS:  # a flag's value (or a caller's) keeps the same rule
        if name in values and origins[name].kind == "flag":
            try:
                values[name] = positive_number(values[name])
            except UsageError as e:
                raise UsageError(f"{origins[name].where} {values[name]!r}: {e.message}") from None
    if "api_key" not in values and environ.get("OPENAI_API_KEY"):
        values["api_key"] = environ["OPENAI_API_KEY"]
        origins["api_key"] = Origin("env", "OPENAI_API_KEY")
    return values, origins


def _kind(annotation: Any) -> type:
    return {"float": float, "int": int}.get(str(getattr(annotation, "__name__", annotation)), str)
