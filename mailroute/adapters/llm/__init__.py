"""The LLM tier's adapters: client, budget, cache, circuit breaker, metrics, extraction."""
