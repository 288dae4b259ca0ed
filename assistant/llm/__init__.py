"""Answers in words from an OpenAI-compatible chat server, with checked citations.

Loaded only when an LLM is configured (``--llm URL``): the default ``ask`` path
imports neither this package's client nor any HTTP library.
"""
