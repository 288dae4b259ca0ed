"""Conversations kept by an id that the client chooses, for clients that come
and go between questions (the HTTP API): a follow-up names the conversation
it belongs to. The least recently used are forgotten past a limit."""

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from assistant.errors import UsageError
from assistant.results import AskResult

if TYPE_CHECKING:
    from assistant.app.conversation import Conversation
    from assistant.app.service import Assistant

KEPT_CONVERSATIONS = 1000
MAX_ID_CHARS = 100


class Conversations:
    def __init__(self, service: "Assistant", keep: int = KEPT_CONVERSATIONS) -> None:
        self.service = service
        self.keep = keep
        self._chats: OrderedDict[str, tuple[Conversation, threading.Lock]] = OrderedDict()
        self._lock = threading.Lock()

    def _get(self, conversation_id: str) -> "tuple[Conversation, threading.Lock]":
        if not conversation_id or len(conversation_id) > MAX_ID_CHARS:
            raise UsageError(f"a conversation id has 1 to {MAX_ID_CHARS} characters")
        with self._lock:
            entry = self._chats.get(conversation_id)
            if entry is None:
                entry = self._chats[conversation_id] = (self.service.conversation(),
                                                        threading.Lock())
            self._chats.move_to_end(conversation_id)
            while len(self._chats) > self.keep:
                self._chats.popitem(last=False)
            return entry

    def ask(self, conversation_id: str | None, question: str, **options: Any) -> AskResult:
        """Answer ``question``, as a follow-up within ``conversation_id`` when
        given (a new id starts a conversation), else on its own."""
        if conversation_id is None:
            return self.service.ask(question, **options)
        chat, lock = self._get(conversation_id)
        with lock:  # the turns of one conversation keep their order
            return chat.ask(question, **options)

    def generate(self, conversation_id: str | None, result: AskResult,
                 **options: Any) -> AskResult:
        """``result`` with the LLM's answer, the conversation's earlier turns sent along."""
        if conversation_id is None:
            return self.service.generate(result, **options)
        chat, lock = self._get(conversation_id)
        with lock:
            return chat.generate(result, **options)
