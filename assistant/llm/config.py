"""Where the LLM server is and how long to wait for it.

Options win over ``ASSISTANT_LLM_*`` variables, which win over defaults. The
API key comes from ``ASSISTANT_LLM_API_KEY``, else ``OPENAI_API_KEY`` (a local
server needs none).
"""

import os
from dataclasses import dataclass, fields

from assistant.errors import UsageError

ENV_PREFIX = "ASSISTANT_LLM_"


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
    def from_env(cls, environ=None, **overrides) -> "LLMConfig | None":
        """The configuration, or None when no URL is given anywhere (no LLM)."""
        environ = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw:
                values[f.name] = _parse(f.name, f.type, raw)
        if "api_key" not in values and environ.get("OPENAI_API_KEY"):
            values["api_key"] = environ["OPENAI_API_KEY"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        if not values.get("url"):
            return None
        url = str(values["url"]).rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"--llm must be an http(s) URL of an OpenAI-compatible API, not {url!r}")
        values["url"] = url
        for name in ("connect_timeout", "first_token_timeout", "total_timeout"):
            if name in values and float(values[name]) <= 0:
                raise UsageError(f"{name.replace('_', ' ')} must be positive")
        return cls(**values)


def _parse(name: str, kind, raw: str):
    try:
        if kind in (float, "float"):
            return float(raw)
        if kind in (int, "int"):
            return int(raw)
    except ValueError:
        raise UsageError(f"{ENV_PREFIX}{name.upper()} must be a number, not {raw!r}") from None
    return raw
