"""Indexing: building and updating an index from folders, and copying one to another store."""
