"""The questions a person asked, kept across runs (one JSON string a line)."""

import json
import os

from assistant.config.own_files import HISTORY_NAME as HISTORY_NAME
from assistant.store.local.files import write_atomic

LIMIT = 1000  # questions kept; older ones are dropped when the file is compacted


class QuestionHistory:
    def __init__(self, path: str | None, limit: int = LIMIT) -> None:
        self.path = path
        self.limit = limit
        self.items: list[str] = self._load()

    @classmethod
    def in_dir(cls, directory: str) -> "QuestionHistory":
        return cls(os.path.join(directory, HISTORY_NAME))

    def _load(self) -> list[str]:
        if not self.path:
            return []
        try:
            with open(self.path, encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            return []
        items = []
        for line in lines:
            try:
                q = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash: skip it, keep the rest
            if isinstance(q, str) and q.strip():
                items.append(q)
        return items[-self.limit:]

    def add(self, question: str) -> None:
        question = question.strip()
        if not question or (self.items and self.items[-1] == question):
            return
        self.items.append(question)
        if not self.path:
            return
        try:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            if len(self.items) > self.limit:
                self.items = self.items[-self.limit:]
                body = "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in self.items)
                write_atomic(self.path, body.encode("utf-8"))
            else:
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(question, ensure_ascii=False) + "\n")
        except OSError:
            pass  # history is a convenience: a read-only index dir must not stop the chat
