"""Mailbox sections for Exchange: on-premises through EWS, Exchange Online through Graph.

Both are ``[[mailboxes]]`` tables told apart by ``type``; see docs/exchange.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import Section
from .secrets import Secret

_NAME = r"^[A-Za-z0-9_.\-]+$"
_ADDRESS = r"^[^@\s]+@[^@\s]+$"


def _folders_ok(value: list[str]) -> list[str]:
    for folder in value:
        if not folder.strip() or folder.startswith("/") or ".." in folder.split("/"):
            raise ValueError(f"folder {folder!r} must be a relative folder path like 'Intake/NL'")
    if len({f.lower() for f in value}) != len(value):
        raise ValueError("folders: a folder is listed twice")
    return value


class _ExchangeMailbox(Section):
    """Keys both Exchange sources share: name, watched folders, polling, throttling."""

    name: str = Field(min_length=1, pattern=_NAME)
    folders: list[str] = Field(default_factory=lambda: ["inbox"], min_length=1)
    poll_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
    create_folders: bool = True
    max_throttle_wait_seconds: float = Field(default=300.0, ge=0, le=3600)
    throttle_retries: int = Field(default=3, ge=0, le=20)

    @field_validator("folders")
    @classmethod
    def _check_folders(cls, value: list[str]) -> list[str]:
        return _folders_ok(value)


class EwsMailbox(_ExchangeMailbox):
    """An Exchange (on-premises) mailbox read through EWS with exchangelib."""

    type: Literal["ews"]
    service_endpoint: str | None = Field(
        default=None, description="https://mail.example.nl/EWS/Exchange.asmx; or autodiscover"
    )
    autodiscover: bool = False
    auth_type: Literal["ntlm", "basic", "oauth"] = "ntlm"
    username: str = Field(min_length=1, description="service account, DOMAIN\\user or UPN")
    password: Secret | None = None
    # OAuth (Exchange 2019 hybrid modern auth): client credentials of an app registration.
    client_id: str | None = None
    client_secret: Secret | None = None
    tenant_id: str | None = None
    primary_smtp_address: str = Field(pattern=_ADDRESS, description="the (shared) mailbox")
    access_type: Literal["delegate", "impersonation"] = "delegate"
    send_via: Literal["smtp", "ews"] = "smtp"
    server_version: str | None = Field(
        default=None, pattern=r"^\d+\.\d+\.\d+\.\d+$",
        description="e.g. 15.1.2507.6 to skip the version probe",
    )

    @model_validator(mode="after")
    def _consistent(self) -> EwsMailbox:
        if (self.service_endpoint is None) == (not self.autodiscover):
            raise ValueError("give either service_endpoint = \"https://.../EWS/Exchange.asmx\" "
                             "or autodiscover = true")
        if self.service_endpoint and not self.service_endpoint.startswith(("https://", "http://")):
            raise ValueError("service_endpoint must be an http(s) URL")
        if self.auth_type in ("ntlm", "basic") and self.password is None:
            raise ValueError(f"auth_type = {self.auth_type!r} needs password = {{ env = \"VAR\" }}")
        if self.auth_type == "oauth" and not (self.client_id and self.client_secret
                                              and self.tenant_id):
            raise ValueError("auth_type = 'oauth' needs client_id, client_secret and tenant_id")
        return self


class GraphMailbox(_ExchangeMailbox):
    """An Exchange Online mailbox read through Microsoft Graph with app-only credentials."""

    type: Literal["graph"]
    tenant_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    client_secret: Secret | None = None
    certificate_file: Path | None = Field(
        default=None, description="PEM with the private key and the certificate"
    )
    certificate_thumbprint: str | None = Field(default=None, pattern=r"^[0-9A-Fa-f]{40}$")
    mailbox: str = Field(pattern=_ADDRESS, description="the shared mailbox's address")
    send_via: Literal["smtp", "graph"] = "smtp"
    authority: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com/v1.0"
    ca_bundle: Path | None = Field(default=None, description="extra CA certificates (PEM)")
    timeout_seconds: float = Field(default=60.0, gt=0, le=600)

    @model_validator(mode="after")
    def _credentials(self) -> GraphMailbox:
        if (self.client_secret is None) == (self.certificate_file is None):
            raise ValueError("give exactly one of client_secret = { env = \"VAR\" } or "
                             "certificate_file = \"/path/app.pem\" (with certificate_thumbprint)")
        if self.certificate_file is not None and not self.certificate_thumbprint:
            raise ValueError("certificate_file needs certificate_thumbprint (SHA-1, 40 hex digits)")
        for key in ("authority", "graph_url"):
            if not getattr(self, key).startswith("https://"):
                raise ValueError(f"{key} must be an https:// URL")
        return self
