"""The index store: SQLite (articles, passages, manifest, FTS5) plus a FAISS file
of passage vectors whose ids are the passage row ids."""
