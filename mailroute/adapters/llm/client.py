"""The OpenAI-compatible endpoint, through the ``openai`` client, with structured output.

Low-level errors become :class:`LlmUnavailable` (connection, timeout, 429, 5xx after the
client's own retries with back-off) or :class:`LlmError` (the endpoint refused the request).
"""

from __future__ import annotations

from dataclasses import dataclass

import openai

from ...core.llm_prompt import Prompt
from ...errors import MailrouteError


class LlmError(MailrouteError):
    """The LLM endpoint answered with an error that retrying will not fix (e.g. 400, 401)."""


class LlmUnavailable(LlmError):
    """The LLM endpoint could not be reached, timed out, or was overloaded (429/5xx)."""


@dataclass(frozen=True, slots=True)
class Answer:
    text: str | None
    refusal: str | None
    tokens_in: int
    tokens_out: int
    finish_reason: str
    model: str = ""  # the model the endpoint says answered


class LlmClient:
    """One ``openai.OpenAI`` client; thread-safe, shared by every mailbox thread."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, *,
                 timeout: float = 30.0, max_retries: int = 2, max_tokens: int = 1024):
        self.model = model
        self.max_tokens = max_tokens  # the budget reserves this much output per call
        self.base_url = base_url
        # local servers (Ollama, vLLM, llama.cpp) take any key; the client insists on one
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "not-needed",
                                     timeout=timeout, max_retries=max_retries)

    def complete(self, prompt: Prompt) -> Answer:
        try:
            response = self._client.chat.completions.create(
                model=self.model,
                messages=list(prompt.messages),  # type: ignore[arg-type]
                temperature=0,
                max_tokens=self.max_tokens,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": prompt.schema_name, "schema": dict(prompt.schema),
                                    "strict": True},
                },
            )
        except (openai.APIConnectionError, openai.RateLimitError,
                openai.InternalServerError) as exc:
            raise LlmUnavailable(f"{self.base_url}: {type(exc).__name__}: {exc}") from None
        except openai.APIStatusError as exc:
            if exc.status_code >= 500:
                raise LlmUnavailable(f"{self.base_url}: HTTP {exc.status_code}") from None
            raise LlmError(f"{self.base_url}: HTTP {exc.status_code}: {exc.message}") from None
        except openai.OpenAIError as exc:
            raise LlmError(f"{self.base_url}: {type(exc).__name__}: {exc}") from None
        if not response.choices:
            raise LlmError(f"{self.base_url}: answer without choices")
        choice = response.choices[0]
        usage = response.usage
        return Answer(
            text=choice.message.content,
            refusal=getattr(choice.message, "refusal", None),
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
            finish_reason=choice.finish_reason or "",
            model=response.model or "",
        )

    def close(self) -> None:
        self._client.close()
