"""The project's benchmarks: figures measured side by side in one run, not part
of the installed package. Run them from the repository root as modules,
e.g. ``python -m benchmarks.speed.cold --help``; results in benchmarks/RESULTS.md.

- ``speed``: cold and warm latency, index builds, threads, scale, serve, LLM;
- ``quality``: retrieval and answer quality, peers, the eval sets' conversion;
- ``tuning``: offline tuning of the shipped constants on the valid splits;
- ``experiments``: one-off measurements of ideas, never test splits.

``benchmarks.common`` holds what they share (paths, the CLI in a subprocess,
CPU burners, medians, the RESULTS.md section writer).
"""
