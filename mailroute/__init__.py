"""mailroute: an e-mail triage daemon for back-office shared mailboxes."""

__version__ = "0.1.0"
