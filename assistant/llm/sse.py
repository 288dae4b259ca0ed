"""Server-sent events read from raw bytes, one bounded line at a time, the clock
checked after every read: no line, comment or event can make a wait unbounded."""

from collections.abc import Iterable, Iterator

from assistant.llm.clock import Clock, LLMFailure

MAX_LINE_BYTES = 256 * 1024  # one event's data line; a chunk of tokens is far smaller


def events(chunks: Iterable[bytes], clock: Clock) -> Iterator[str]:
    """The data of each event (its ``data:`` lines joined), as the events end."""
    data: list[str] = []
    for line in _lines(chunks, clock):
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(b":"):
            continue  # a comment (": ping"): it is no token, the clock runs on
        name, _, value = line.partition(b":")
        if name == b"data":
            data.append(value.removeprefix(b" ").decode("utf-8", "replace"))


def _lines(chunks: Iterable[bytes], clock: Clock) -> Iterator[bytes]:
    buf = bytearray()
    skip_lf = False  # the \n of a \r\n split across two reads
    for chunk in chunks:
        clock.check()
        if skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        skip_lf = chunk[-1:] == b"\r"
        if b"\r" in chunk:  # every line ending read as \n
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        searched = len(buf)  # the bytes before have no newline
        buf += chunk
        pos = 0
        while (cut := buf.find(b"\n", max(pos, searched))) >= 0:
            yield bytes(buf[pos:cut])
            pos = cut + 1
        del buf[:pos]
        if len(buf) > MAX_LINE_BYTES:
            raise LLMFailure("malformed", f"the LLM server sent a line over "
                                          f"{MAX_LINE_BYTES // 1024} KB")
