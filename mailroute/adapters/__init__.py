"""Adapters around the pure core: mailboxes, the store, metrics, model and rule files."""
