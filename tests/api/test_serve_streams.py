"""Issue 25, item 3: hanging LLM streams cannot starve `serve`. Streams have
their own bounded pool (503 when full), /health answers meanwhile, and a
client that leaves ends its generation and frees its place."""

import socket

import httpx

from assistant.api import app

from helpers.common import sample_hash_index
from helpers.llm_server import serve, stream
from helpers.serve import running_server

MAX_STREAMS = getattr(app, "MAX_STREAMS", 8)  # (main had no stream pool)
CLIENTS = 45  # more than the request thread pool (40)
HANGING = {"repeat": b": ping\n\n", "every": 0.05, "seconds": 30}


def open_stream(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    body = b'{"question": "berapa tentara Korea Utara dikirimkan ke Kursk"}'
    s = socket.create_connection((host, int(port)), timeout=30)
    s.sendall(b"POST /ask/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    return s


def test_hanging_streams_never_starve_health_and_leaving_frees_them(tmp_path):
    ix = sample_hash_index(tmp_path)
    httpd, llm = serve()
    llm.script(*[HANGING] * CLIENTS)
    try:
        with running_server("--index-dir", ix, "--llm", llm.url, "--llm-timeout", "60",
                            "--llm-first-token-timeout", "60") as (url, _, _):
            sockets = [open_stream(url) for _ in range(CLIENTS)]
            for _ in range(MAX_STREAMS):  # the pool's generations reach the LLM
                assert llm.arrived.acquire(timeout=60)
            assert httpx.get(url + "/health", timeout=5).status_code == 200
            statuses = [s.recv(12).split()[-1] for s in sockets]
            assert statuses.count(b"200") == MAX_STREAMS
            assert statuses.count(b"503") == CLIENTS - MAX_STREAMS
            for s in sockets:
                s.close()
            for _ in range(MAX_STREAMS):  # each generation ends: its LLM connection closes
                assert llm.gone.acquire(timeout=10)
            llm.script(stream("NOT FOUND"))
            with httpx.stream("POST", url + "/ask/stream", timeout=30,
                              json={"question": "berapa tentara Korea Utara"}) as r:
                assert r.status_code == 200  # the pool is free again
                assert "event: generated" in r.read().decode()
    finally:
        llm.release.set()
        httpd.shutdown()
