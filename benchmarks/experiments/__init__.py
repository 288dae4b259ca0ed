"""One-off measurements of ideas that the shipped code may or may not adopt:
the ranking ceiling, the cross-language rerank, a question's own language."""
