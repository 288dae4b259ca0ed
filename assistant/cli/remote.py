"""`assistant ask --server URL`: the questions go to a running `assistant
serve`, which has its model and index loaded already. The answer comes back
as the JSON of `ask --json` and is read into the same typed result, so it is
printed exactly as a local answer; an error the server reports exits with
the code the local `ask` would have."""

import dataclasses
import uuid
from typing import TYPE_CHECKING, Any

import httpx

from assistant.errors import ServerUnreachableError, error_for_exit_code
from assistant.results import AskResult
from assistant.text.masking import mask

if TYPE_CHECKING:
    from assistant.query.options import Filters

CONNECT_TIMEOUT_S = 5.0
# Long enough for an answer the server's LLM writes (its own limit is 180 s).
ANSWER_TIMEOUT_S = 300.0


class RemoteAssistant:
    """What `ask` needs of the service, answered by a server."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.shown = mask(self.url)  # what messages name: never its password
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(base_url=self.url, headers=headers,
                                   timeout=httpx.Timeout(ANSWER_TIMEOUT_S,
                                                         connect=CONNECT_TIMEOUT_S))

    def ask(self, question: str, k: int | None = None, mode: str | None = None,
            rerank: int | str | None = None, conversation: str | None = None,
            filters: "Filters | None" = None) -> AskResult:
        body = {"question": question, "k": k, "mode": mode, "rerank": rerank,
                "conversation": conversation, **(filters.to_json() if filters else {})}
        data = self._post("/ask", {key: v for key, v in body.items() if v is not None})
        try:
            result = AskResult.from_json(data)
            if data.get("filters"):  # typed here: the results module sits below the query
                from assistant.query.options import Filters

                result = dataclasses.replace(result, filters=Filters(**data["filters"]))
            return result
        except (KeyError, TypeError, ValueError):
            raise ServerUnreachableError(f"{self.shown} did not answer as an assistant server "
                                         "(unexpected JSON)") from None

    def conversation(self) -> "RemoteConversation":
        return RemoteConversation(self)

    def _post(self, path: str, body: dict) -> dict:
        try:
            r = self.client.post(path, json=body)
        except httpx.TimeoutException:
            raise ServerUnreachableError(f"no answer from {self.shown} in time") from None
        except httpx.HTTPError as e:
            raise ServerUnreachableError(
                f"cannot reach the server at {self.shown} ({mask(str(e))}); start one with: "
                "assistant serve"
            ) from None
        try:
            data = r.json()
        except ValueError:
            data = None
        if r.status_code == 200 and isinstance(data, dict):
            return data
        if isinstance(data, dict) and isinstance(data.get("error"), str) and \
                isinstance(data.get("exit_code"), int):
            raise error_for_exit_code(data["exit_code"], data["error"])
        raise ServerUnreachableError(f"{self.shown} answered HTTP {r.status_code}, not as an "
                                     "assistant server")

    def close(self) -> None:
        self.client.close()


class RemoteConversation:
    """A conversation kept by the server under an id chosen here."""

    def __init__(self, remote: RemoteAssistant) -> None:
        self.remote = remote
        self.reset()

    def ask(self, question: str, **options: Any) -> AskResult:
        return self.remote.ask(question, conversation=self.id, **options)

    def reset(self) -> None:
        self.id = uuid.uuid4().hex
