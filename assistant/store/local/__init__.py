"""The local store: SQLite (articles, passages, manifest, FTS5) plus FAISS in one folder."""
