"""Question answering over a folder of news articles, with cited passages."""

__version__ = "0.1.0"
