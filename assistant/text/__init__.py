"""Text: normalising, sentences, dates, datelines and keyword analysis."""
