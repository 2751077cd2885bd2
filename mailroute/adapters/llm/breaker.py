"""A circuit breaker: after N consecutive failures stop calling for a while, then probe."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    """``allow()`` before a call, ``success()``/``failure()`` after. Thread-safe.

    While open, calls are refused until ``reset_seconds`` have passed; then one probe is
    let through (half-open): its success closes the circuit, its failure opens it again.
    """

    def __init__(self, failures: int = 5, reset_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 on_change: Callable[[str], None] | None = None):
        self.threshold = failures
        self.reset_seconds = reset_seconds
        self.clock = clock
        self.on_change = on_change
        self._lock = threading.Lock()
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == OPEN and self.clock() - self._opened_at >= self.reset_seconds:
                return HALF_OPEN
            return self._state

    def _set(self, state: str) -> None:
        if state != self._state:
            self._state = state
            if self.on_change:
                self.on_change(state)

    def allow(self) -> bool:
        with self._lock:
            if self._state == CLOSED:
                return True
            if self._state == OPEN and self.clock() - self._opened_at >= self.reset_seconds:
                self._set(HALF_OPEN)
                self._probing = False
            if self._state == HALF_OPEN and not self._probing:
                self._probing = True  # exactly one probe at a time
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._probing = False
            self._set(CLOSED)

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._probing = False
            if self._state == HALF_OPEN or self._failures >= self.threshold:
                self._opened_at = self.clock()
                self._set(OPEN)
