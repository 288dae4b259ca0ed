"""What many tests share: the real entry point, small corpora, scripted servers."""
