"""Whether the ``mcp`` extra is installed (checked without importing it)."""

import importlib.util

from assistant.errors import UsageError


def has_sdk() -> bool:
    return importlib.util.find_spec("mcp") is not None


def require_sdk() -> None:
    if not has_sdk():
        raise UsageError("assistant mcp needs the MCP SDK: pip install 'assistant[mcp]'")
