"""SMTP on the wire: connect (TLS, login) and one transaction, with failures sorted by
whether the server can have the message: not sent (SmtpUnavailable, SendFailed) or maybe
sent (SendUncertain)."""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl

from ..config.smtp import SmtpSection
from ..core.compose import Outgoing
from ..errors import ActionError


class SmtpUnavailable(ActionError):
    """The SMTP server could not be reached or refused our login: nothing was sent."""


class SendFailed(ActionError):
    """The server refused this message (or it could not be built): it was not sent."""


class SendUncertain(ActionError):
    """The link broke after the message data went out: it may have been delivered."""


def connect(cfg: SmtpSection) -> smtplib.SMTP:
    """An open, greeted, TLS-protected (unless ``plain``) and logged-in SMTP connection.

    Raises SmtpUnavailable naming the server and what went wrong; never the password.
    """
    where = f"SMTP server {cfg.host}:{cfg.port} ({cfg.tls})"
    conn: smtplib.SMTP | None = None
    try:
        context = ssl.create_default_context(
            cafile=str(cfg.ca_file) if cfg.ca_file else None)
        if cfg.tls == "implicit":
            conn = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout_seconds,
                                    context=context)
        else:
            conn = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
        conn.ehlo()
        if cfg.tls == "starttls":
            if not conn.has_extn("starttls"):
                raise SmtpUnavailable(f"{where}: the server does not offer STARTTLS")
            conn.starttls(context=context)
            conn.ehlo()
        if cfg.username and cfg.password:
            try:
                password = cfg.password.reveal().get_secret_value()
            except ValueError as exc:
                raise SmtpUnavailable(f"smtp.password: {exc}") from None
            conn.login(cfg.username, password)
    except SmtpUnavailable:
        drop(conn)
        raise
    except smtplib.SMTPAuthenticationError as exc:
        drop(conn)
        raise SmtpUnavailable(f"{where}: login as {cfg.username} refused: "
                              f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        drop(conn)
        raise SmtpUnavailable(f"{where}: {type(exc).__name__}: {exc}") from None
    return conn


def transmit(conn: smtplib.SMTP, out: Outgoing) -> str:
    """One SMTP transaction, step by step, so a failure is known to be before or after
    the message data went out (smtplib.sendmail cannot tell)."""
    options = []
    if out.eight_bit:
        if not conn.has_extn("8bitmime"):
            raise SendFailed("the original holds 8-bit data and the SMTP server does not "
                             "offer 8BITMIME; use forward mode = \"inline\"")
        options.append("BODY=8BITMIME")
    try:
        code, reply = conn.mail(out.envelope_from, options)
        if code != 250:
            conn.rset()
            raise SendFailed(f"sender <{out.envelope_from}> refused: {code} {_text(reply)}")
        refused = {}
        for rcpt in out.recipients:
            code, reply = conn.rcpt(rcpt)
            if code not in (250, 251):
                refused[rcpt] = f"{code} {_text(reply)}"
        if refused:
            # all or nothing: a retry must not send twice to the ones that were accepted
            conn.rset()
            raise SendFailed("recipient(s) refused: " +
                             "; ".join(f"{r}: {why}" for r, why in refused.items()))
        conn.putcmd("data")
        code, reply = conn.getreply()
        if code != 354:
            conn.rset()
            raise SendFailed(f"DATA refused: {code} {_text(reply)}")
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise SmtpUnavailable(f"connection lost before the message was sent: {exc}") from None
    except smtplib.SMTPException as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}") from None
    # From here on the server may hold the message: a lost link means "uncertain".
    try:
        data = re.sub(rb"(?m)^\.", b"..", out.data)
        conn.send(data + b".\r\n")
        code, reply = conn.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise SendUncertain(f"connection lost after the message data was sent, before the "
                            f"server confirmed it: {exc}; it may have been delivered") from None
    if code != 250:
        raise SendFailed(f"message refused: {code} {_text(reply)}")
    return f"{code} {_text(reply)}"


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:500]


def drop(conn: smtplib.SMTP | None) -> None:
    """Close ``conn`` without a goodbye (after an error the link may be unusable)."""
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.close()


def close(conn: smtplib.SMTP | None) -> None:
    """QUIT politely, or just close when the server is gone."""
    if conn is not None:
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            drop(conn)
