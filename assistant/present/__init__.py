"""Presentation: the words, transcripts and JSON models that every shell shows."""
