"""Any sentence-transformers model, by Hub name or local path.

sentence_transformers (and torch) are imported only here, when this backend is
chosen: the import alone takes seconds.
"""

import os

import numpy as np

from assistant.errors import ModelUnavailableError


class SentenceTransformerEmbedder:
    def __init__(self, name: str, device: str | None = None, query_prompt: str | None = None,
                 passage_prompt: str | None = None, batch_size: int = 32) -> None:
        self.name = name
        self.model_id = "st:" + name
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ModelUnavailableError(
                f"model '{name}' needs sentence-transformers: pip install 'assistant[st]' ({e})"
            ) from None
        if os.path.isdir(name):
            # A local model never needs the Hub; do not let a missing cache file trigger a download.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            self._model = SentenceTransformer(name, device=device)
        except Exception as e:  # noqa: BLE001 - any load failure is a user-facing model problem
            raise ModelUnavailableError(
                f"cannot load sentence-transformers model '{name}': {type(e).__name__}: {e}"
            ) from e
        self.device = str(self._model.device)
        if self.device == "cpu" and "OMP_NUM_THREADS" not in os.environ:
            import torch

            # torch defaults to physical cores only; embedding is compute-bound
            # and gains from every core the process may use.
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
                else (os.cpu_count() or 1)
            if torch.get_num_threads() < cores:
                torch.set_num_threads(cores)
        get_dim = (getattr(self._model, "get_embedding_dimension", None)
                   or self._model.get_sentence_embedding_dimension)
        dim = get_dim()
        if not dim:
            raise ModelUnavailableError(f"model '{name}' does not say its embedding dimension")
        self.dim = int(dim)
        self.batch_size = batch_size
        prompts = getattr(self._model, "prompts", None) or {}
        e5 = "e5" in os.path.basename(name.rstrip("/")).lower()
        self.query_prompt = (query_prompt if query_prompt is not None
                             else prompts.get("query", "query: " if e5 else ""))
        self.passage_prompt = (passage_prompt if passage_prompt is not None
                               else prompts.get("passage",
                                                prompts.get("document", "passage: " if e5 else "")))
        limit = getattr(self._model, "max_seq_length", None) or 512
        # About 4 characters per token, leaving room for the prompt and specials.
        self.max_passage_chars = max(200, min(1000, int(limit) * 4 - 40))

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # encode() sorts each call's texts by length before batching.
        out = self._model.encode(
            [prompt + t for t in texts], batch_size=self.batch_size,
            normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.query_prompt)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prompt)
