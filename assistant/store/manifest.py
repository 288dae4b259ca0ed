"""The manifest every store records the same way: schema version, model, dimension,
generation and what each key's value must look like."""

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from assistant.config.own_files import DB_NAME as DB_NAME
from assistant.errors import CorruptIndexError
from assistant.store.index_types import AUTO, INDEX_TYPES

if TYPE_CHECKING:
    from assistant.store.records import KeywordAnalyzer

# 2: articles.text_hash, to find the same article filed twice.
# 3: passages.context, the article context matched along with a passage.
# 4: passages.page, the page of a PDF a passage comes from (NULL otherwise).
# 5: passages.sentences, the vectors of a passage's sentences (store/sentence_vectors.py).
# 6: passages.ocr, whether the passage's page was read by OCR (a scan, an image).
SCHEMA_VERSION = 6


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


REBUILD = "rebuild with: assistant index --rebuild"


def has_pages(manifest: dict[str, str]) -> bool:
    """Whether passages have a page column (readers read older versions as they are)."""
    return int(manifest.get("schema_version", "0")) >= 4


def has_sentences(manifest: dict[str, str]) -> bool:
    """Whether passages can hold sentence vectors (schema 5 on, either store)."""
    return int(manifest.get("schema_version", "0")) >= 5


def has_ocr(manifest: dict[str, str]) -> bool:
    """Whether passages say if OCR read them (schema 6 on, either store)."""
    return int(manifest.get("schema_version", "0")) >= 6


VECTORS_FILE = re.compile(r"vectors\.[0-9]{1,18}\.faiss")


def _int(minimum: int) -> Callable[[str], bool]:
    def check(v: str) -> bool:
        return v.isdigit() and int(v) >= minimum
    return check


def _list_of(value: object, of: type | tuple[type, ...]) -> bool:
    """``value`` is a list of ``of`` (never bools)."""
    return isinstance(value, list) and all(isinstance(x, of) and not isinstance(x, bool)
                                           for x in value)


def _json_list(of: type | tuple[type, ...],
               length_key: str | None = None) -> Callable[[str, dict], bool]:
    def check(v: str, manifest: dict) -> bool:
        try:
            value = json.loads(v)
        except ValueError:
            return False
        return _list_of(value, of) and (length_key is None
                                        or str(len(value)) == manifest.get(length_key))
    return check


# What a valid value of each manifest key looks like (required keys first).
_REQUIRED = {
    "schema_version": _int(1),
    "model_id": lambda v: bool(v.strip()),
    "dim": _int(1),
    "generation": _int(0),
    "vectors_file": lambda v: VECTORS_FILE.fullmatch(v) is not None,
    "next_passage_id": _int(1),
}


_OPTIONAL = {
    "index_type": lambda v: v in INDEX_TYPES,
    "index_kind": lambda v: v in INDEX_TYPES and v != AUTO,
    "trained_on": _int(0),
    "analyzer": lambda v: bool(v.strip()),
    "created_at": lambda v: True,
    "updated_at": lambda v: True,
}


def _language_means(v: str, manifest: dict) -> bool:
    """{language: {"n": passages, "mean": [dim numbers]}} (query/languages.py)."""
    try:
        value = json.loads(v)
    except ValueError:
        return False
    return isinstance(value, dict) and all(
        isinstance(m, dict) and isinstance(m.get("n"), int) and m["n"] > 0
        and _list_of(m.get("mean"), (int, float)) and str(len(m["mean"])) == manifest.get("dim")
        for m in value.values())


_JSON = {"roots": _json_list(str), "background": _json_list((int, float), "dim"),
         "language_means": _language_means}


def manifest_problems(manifest: dict[str, str], exempt: tuple[str, ...] = ()) -> list[str]:
    """Manifest keys whose values are missing or not what the index needs
    (``exempt``: required keys a store does not use, e.g. Postgres has no vector file)."""
    bad = [k for k, ok in _REQUIRED.items()
           if k not in exempt and (k not in manifest or not ok(manifest[k]))]
    bad += [k for k, ok in _OPTIONAL.items() if k in manifest and not ok(manifest[k])]
    bad += [k for k, ok in _JSON.items() if k in manifest and not ok(manifest[k], manifest)]
    return bad


def check_manifest(manifest: dict[str, str], path: str, exempt: tuple[str, ...] = ()) -> None:
    """Schema version first (a newer index says so), then every value."""
    check_schema(manifest, path)
    bad = manifest_problems(manifest, exempt)
    if bad:
        raise CorruptIndexError(f"database {path} has an invalid manifest "
                                f"({', '.join(bad)}); {REBUILD}")


def check_schema(manifest: dict[str, str], path: str) -> None:
    try:
        version = int(manifest.get("schema_version", "0"))
    except ValueError:
        version = -1
    if version > SCHEMA_VERSION:
        raise CorruptIndexError(
            f"index {path} has schema version {version}, newer than this assistant "
            f"understands ({SCHEMA_VERSION}); upgrade assistant, or rebuild with: "
            "assistant index --rebuild"
        )
    if version < 1:
        raise CorruptIndexError(
            f"database {path} has no valid index manifest; rebuild with: assistant index --rebuild"
        )


def roots_of(manifest: dict[str, str]) -> list[str]:
    """The recorded folders, when the manifest still says them clearly."""
    try:
        roots = json.loads(manifest.get("roots", "[]"))
    except ValueError:
        return []
    return [r for r in roots if isinstance(r, str)] if isinstance(roots, list) else []


class ManifestFields:
    """What every store's reader reads from its manifest (a dict of strings,
    ``self.manifest``) the same way."""

    manifest: dict

    @property
    def model_id(self) -> str:
        return self.manifest["model_id"]

    @property
    def dim(self) -> int:
        return int(self.manifest["dim"])

    @property
    def background(self) -> np.ndarray | None:
        """Mean embedding of the relevance background sentences, if recorded."""
        raw = self.manifest.get("background")
        if not raw:
            return None
        if getattr(self, "_background_raw", None) != raw:
            self._background_raw = raw
            self._background = np.asarray(json.loads(raw), dtype=np.float32)
        return self._background

    @property
    def language_means(self) -> dict | None:
        """Each language's passage count and mean vector (see
        assistant.query.languages), if recorded."""
        raw = self.manifest.get("language_means")
        if not raw:
            return None
        if getattr(self, "_language_means_raw", None) != raw:
            self._language_means_raw = raw
            self._language_means = json.loads(raw)
        return self._language_means

    @property
    def dense_scale(self) -> float | None:
        """The spread of the model's cosines, recorded at build time (see
        assistant.query.relevance.dense_scale); None for older indexes."""
        raw = self.manifest.get("dense_scale")
        return float(raw) if raw else None

    @property
    def analyzer(self) -> str:
        """How the keyword bodies were made (see assistant.text.analysis)."""
        return self.manifest.get("analyzer", "plain")

def next_manifest(previous: dict, fresh: bool, model_id: str, dim: int,
                  analyzer: "KeywordAnalyzer | None",
                  generation: int, next_passage_id: int, roots: list[str], now: str,
                  store_keys: dict, extra: dict) -> dict:
    """The manifest an update commits, the same for every store; ``store_keys``:
    what only this store records (its vectors file, its index kind); ``analyzer``:
    the keyword analyzer (its ``name`` is recorded), if any."""
    manifest = {
        "schema_version": str(SCHEMA_VERSION),
        "model_id": model_id,
        "dim": str(dim),
        "generation": str(generation),
        "next_passage_id": str(next_passage_id),
        "roots": roots,
        "updated_at": now,
    }
    if analyzer:
        manifest["analyzer"] = analyzer.name
    manifest.update(store_keys)
    manifest.update(extra)
    if fresh or "created_at" not in previous:
        manifest["created_at"] = now
    return manifest
