"""Mailbox sources: where messages come from, and where their actions are carried out."""

from .base import Source

__all__ = ["Source"]
