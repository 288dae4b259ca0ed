"""Speed figures, each a ratio measured side by side in one run: cold `ask`,
index builds and updates, warm throughput, watched folders, `serve`, asking
during an update (``performance`` runs them all; ``cold``, ``index``, ``warm``,
``watch``, ``serve`` and ``during`` one each), and threads, vector-index
scale, scale-out, parsers and LLM answers."""
