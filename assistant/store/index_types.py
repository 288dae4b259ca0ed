"""The kinds of vector index a user may choose (see ``assistant.store.local.vectors``);
light to import, so the command line can offer them without loading FAISS."""

AUTO = "auto"  # exact search up to vectors.FLAT_MAX passages, IVF-SQ8 above
INDEX_TYPES = (AUTO, "flat", "ivf", "ivf-pq", "hnsw")
