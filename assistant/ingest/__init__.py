"""Ingestion: find article files, read them, clean them and cut them into passages."""
