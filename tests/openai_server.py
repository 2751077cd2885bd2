"""A small OpenAI-compatible HTTP server on 127.0.0.1 for the LLM tier's tests (a pytest
plugin: the ``openai_server`` fixture).

It serves ``POST /v1/chat/completions`` with structured (JSON-schema) answers. What it
answers is configurable per test: a label, fields, a summary, a raw content string, a
refusal, an HTTP error status (e.g. 429 or 503), a latency, or a script of replies used
in order. It records every request so tests can look at the prompt that was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    """One scripted reply. ``content`` is the message text (JSON for structured output)."""

    content: str | None = None
    refusal: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    tokens: tuple[int, int] = (100, 20)


class FakeOpenAI:
    """The server's state; tests change attributes between (or during) calls."""

    def __init__(self) -> None:
        self.label = "unsure"  # what routing prompts get back
        self.reason = "test answer"
        self.fields: dict[str, Any] = {}
        self.summary = "Test summary."
        self.latency = 0.0
        self.fail_status: int | None = None  # every request fails with this status
        self.script: deque[Reply] = deque()
        self.responder: Callable[[dict[str, Any]], Reply] | None = None
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.gate: Callable[[], None] | None = None  # runs before each answer (its thread)
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests being answered at the same time
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeOpenAI:
        state = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else Nagle + delayed ACK add ~40 ms a call

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                reply = state.answer(body, {k.lower(): v for k, v in self.headers.items()})
                if state.gate is not None:
                    state.gate()
                with state._lock:
                    state.in_flight += 1
                    state.max_in_flight = max(state.max_in_flight, state.in_flight)
                try:
                    if reply.delay:
                        time.sleep(reply.delay)  # simulated model latency, not synchronisation
                finally:
                    with state._lock:
                        state.in_flight -= 1
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": f"status {reply.status}",
                                                        "type": "test"}}, reply.headers)
                    return
                self._send(200, completion(body, reply), reply.headers)

            def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # -- answers -------------------------------------------------------------------------

    def answer(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            if self.script:
                return self.script.popleft()
        if self.fail_status is not None:
            # retry-after-ms keeps the client's back-off short in tests
            return Reply(status=self.fail_status, headers={"retry-after-ms": "10"})
        if self.responder is not None:
            return self.responder(body)
        name = schema_name(body)
        if name == "routing_label":
            content = {"label": self.label, "reason": self.reason}
        elif name == "summary":
            content = {"summary": self.summary, "language": "nl"}
        elif name == "fields":
            props = body["response_format"]["json_schema"]["schema"]["properties"]
            content = {k: self.fields.get(k) for k in props}
        else:
            content = {}
        return Reply(json.dumps(content), delay=self.latency)

    def calls(self, purpose_schema: str | None = None) -> list[dict[str, Any]]:
        """Requests received, optionally only those with a given answer schema name."""
        return [r for r in self.requests
                if purpose_schema is None or schema_name(r) == purpose_schema]


def schema_name(body: dict[str, Any]) -> str:
    return ((body.get("response_format") or {}).get("json_schema") or {}).get("name", "")


def user_text(body: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in body.get("messages", []) if m["role"] == "user")


def completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    tokens_in, tokens_out = reply.tokens
    return {
        "id": f"chatcmpl-test-{time.time_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "test-model"),
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": reply.content,
                        "refusal": reply.refusal},
            "finish_reason": "stop",
            "logprobs": None,
        }],
        "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                  "total_tokens": tokens_in + tokens_out},
    }


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    """A fresh OpenAI-compatible server on loopback for one test."""
    server = FakeOpenAI().start()
    yield server
    server.stop()
