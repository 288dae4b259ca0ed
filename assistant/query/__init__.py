"""The question pipeline: retrieval, keyword analysis, relevance, answers."""
