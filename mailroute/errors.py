"""The library's own exceptions: low-level errors are re-raised as one of these."""

from __future__ import annotations


class MailrouteError(Exception):
    """Base class of every error mailroute raises on purpose."""


class ConfigError(MailrouteError):
    """The configuration file is missing, unreadable or invalid."""


class RuleError(MailrouteError):
    """A rule file is invalid. Carries one entry per problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ModelError(MailrouteError):
    """A model file is missing, unsafe or does not match its metadata."""


class SourceError(MailrouteError):
    """A mailbox could not be read or acted on."""


class AuthError(SourceError):
    """A mailbox or service refused our credentials."""


class ActionError(MailrouteError):
    """An action could not be carried out."""
