"""A small Microsoft Graph + Entra token responder on loopback HTTPS, for driving msal and
the Graph source for real in tests.

msal accepts only ``https://`` authorities, so the server speaks TLS with a self-signed
certificate made here (``cryptography``); the client is pointed at it with ``ca_bundle``.

Served: OpenID discovery and the client-credentials token endpoint; under
``/v1.0/users/{mailbox}``: mailFolders (well-known names, ``$filter=displayName eq``,
childFolders, create), ``messages/delta`` with paging (nextLink) and a deltaLink,
``messages/{id}/$value``, GET/PATCH message (categories, flag), move and copy, and
``messages?$filter=internetMessageId eq``, and ``sendMail`` with a MIME body (base64
``text/plain``; recorded in ``sent``, a copy saved in Sent Items). Shapes follow Microsoft's
Graph reference.
Ids stay the same across moves only when the client asks for ``IdType="ImmutableId"``,
as in Exchange Online.

Failure modes a test can switch on: ``throttle`` (the next N Graph calls get 429 with
``Retry-After``), ``revoked`` (every token is refused with 401) and a wrong client secret
(the token endpoint answers ``invalid_client``); for sendMail also ``send_error`` (answer
the next sendMail with this HTTP status) and ``drop_next`` (send, then close the connection
without an answer).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import itertools
import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

WELL_KNOWN = ("inbox", "archive", "deleteditems", "junkemail", "drafts", "sentitems",
              "msgfolderroot")


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1; returns (cert PEM, key PEM)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "graph-cert.pem", directory / "graph-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class GraphFolder:
    id: str
    name: str
    parent: str | None
    well_known: str | None = None


@dataclass
class GraphMessage:
    id: str
    folder: str
    mime: bytes
    changed: int
    categories: list[str] = field(default_factory=list)
    flag: str = "notFlagged"
    internet_message_id: str = ""
    received: str = "2026-11-03T10:12:00Z"

    def json(self) -> dict:
        return {"id": self.id, "parentFolderId": self.folder, "categories": self.categories,
                "flag": {"flagStatus": self.flag}, "receivedDateTime": self.received,
                "internetMessageId": self.internet_message_id}


class GraphState:
    """The tenant and mailbox behind the responder; tests read and change it directly."""

    def __init__(self, tenant: str, client_id: str, client_secret: str, mailbox: str):
        self.tenant, self.client_id, self.client_secret = tenant, client_id, client_secret
        self.mailbox = mailbox
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self._changes = itertools.count(1)
        self.folders: dict[str, GraphFolder] = {}
        self.messages: dict[str, GraphMessage] = {}
        self.removed: list[tuple[int, str, str]] = []  # (change, folder id, message id)
        self.tokens: set[str] = set()
        self.requests: list[str] = []  # "METHOD path" of every Graph call
        self.token_requests = 0
        self.throttle = 0
        self.retry_after = "1"
        self.throttle_path: str | None = None  # when set, only this path is throttled
        self.revoked = False
        self.expire_deltas = False  # answer 410 to delta links issued so far
        self.sent: list[bytes] = []  # MIME of every message sendMail accepted
        self.send_error: int | None = None  # answer the next sendMail with this status
        self.drop_next = 0  # sendMail: send, then close the connection without an answer
        top = self.add_folder("Top of Information Store", None, "msgfolderroot")
        self.add_folder("Inbox", top.id, "inbox")
        self.add_folder("Sent Items", top.id, "sentitems")

    def new_id(self, prefix: str) -> str:
        return f"AAMk{prefix}{next(self._ids):08d}AAA="

    def add_folder(self, name: str, parent: str | None, well_known: str | None = None
                   ) -> GraphFolder:
        folder = GraphFolder(self.new_id("F"), name, parent, well_known)
        self.folders[folder.id] = folder
        return folder

    def well_known(self, name: str) -> GraphFolder | None:
        return next((f for f in self.folders.values() if f.well_known == name), None)

    def folder_by_path(self, path: str) -> GraphFolder | None:
        parts = [p for p in path.split("/") if p]
        inbox = parts[0].lower() == "inbox"
        current = self.well_known("inbox" if inbox else "msgfolderroot")
        for part in parts[1:] if inbox else parts:
            current = next((f for f in self.folders.values() if current and
                            f.parent == current.id and f.name.lower() == part.lower()), None)
        return current

    def deliver(self, mime: bytes, folder: str = "inbox") -> GraphMessage:
        with self.lock:
            target = self.folder_by_path(folder)
            assert target is not None, folder
            mid = (message_from_bytes(mime).get("Message-ID") or "").strip()
            msg = GraphMessage(self.new_id("M"), target.id, mime, next(self._changes),
                               internet_message_id=mid)
            self.messages[msg.id] = msg
            return msg

    def in_folder(self, path: str) -> list[GraphMessage]:
        folder = self.folder_by_path(path)
        return [m for m in self.messages.values() if folder and m.folder == folder.id]


class Handler(BaseHTTPRequestHandler):
    state: GraphState

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, code: str, message: str, headers: dict | None = None) -> None:
        self._json(status, {"error": {"code": code, "message": message}}, headers)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"https://{host}:{port}"

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    # -- identity platform --------------------------------------------------------------

    def _identity(self, method: str, path: str) -> bool:
        tenant = self.state.tenant
        if method == "GET" and path.endswith("/.well-known/openid-configuration"):
            self._json(200, {
                "token_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/token",
                "authorization_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/authorize",
                "issuer": f"{self.base}/{tenant}/v2.0",
            })
            return True
        if method == "POST" and path == f"/{tenant}/oauth2/v2.0/token":
            form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
            with self.state.lock:
                self.state.token_requests += 1
                if (form.get("client_id") != self.state.client_id
                        or form.get("client_secret") != self.state.client_secret
                        or form.get("grant_type") != "client_credentials"):
                    self._json(401, {"error": "invalid_client", "error_description":
                                     "AADSTS7000215: Invalid client secret provided."})
                    return True
                token = f"tok-{next(self.state._ids)}"
                self.state.tokens.add(token)
            self._json(200, {"token_type": "Bearer", "expires_in": 3599,
                             "access_token": token})
            return True
        return False

    # -- Graph ---------------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if self._identity(method, path):
            return
        prefix = f"/v1.0/users/{self.state.mailbox}"
        if not path.startswith(prefix):
            self._error(404, "ErrorInvalidUser", f"The requested user is invalid: {path}")
            return
        with self.state.lock:
            self.state.requests.append(f"{method} {path[len(prefix):]}")
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if self.state.revoked or token not in self.state.tokens:
                self._error(401, "InvalidAuthenticationToken", "Access token is invalid.")
                return
            if self.state.throttle > 0 and self.state.throttle_path in (
                    None, path[len(prefix):]):
                self.state.throttle -= 1
                self._error(429, "ApplicationThrottled",
                            "Application is over its MailboxConcurrency limit.",
                            {"Retry-After": self.state.retry_after})
                return
            self._graph(method, path[len(prefix):], query)

    def _send_mail(self) -> None:
        state = self.state
        body = self._body()
        if state.send_error is not None:
            status, state.send_error = state.send_error, None
            code = "ErrorSendAsDenied" if status == 403 else "ErrorInternalServerError"
            self._error(status, code, f"sendMail refused ({status})")
            return
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "text/plain":
            self._error(400, "ErrorInvalidRequest", "MIME content must be text/plain base64")
            return
        try:
            mime = base64.b64decode(body, validate=True)
        except binascii.Error:
            self._error(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string.")
            return
        state.sent.append(mime)
        sent_items = state.well_known("sentitems")
        mid = (message_from_bytes(mime).get("Message-ID") or "").strip()
        copy = GraphMessage(state.new_id("M"), sent_items.id, mime, next(state._changes),
                            internet_message_id=mid)
        state.messages[copy.id] = copy
        if state.drop_next > 0:  # accepted and sent; the answer is lost on the way
            state.drop_next -= 1
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _graph(self, method: str, path: str, query: dict[str, str]) -> None:
        state = self.state
        if path == "/sendMail" and method == "POST":
            self._send_mail()
            return
        immutable = 'IdType="ImmutableId"' in self.headers.get("Prefer", "")
        m = re.fullmatch(r"/mailFolders(?:/([^/]+)(?:/(childFolders|messages(?:/delta)?))?)?",
                         path)
        if m:
            ref, sub = m.group(1), m.group(2)
            parent = None
            if ref:
                parent = state.well_known(ref.lower()) if ref.lower() in WELL_KNOWN else \
                    state.folders.get(ref)
                if parent is None:
                    self._error(404, "ErrorItemNotFound", "The specified object was not found.")
                    return
            if ref and sub is None and method == "GET":
                self._json(200, {"id": parent.id, "displayName": parent.name})
                return
            if sub in (None, "childFolders"):
                parent = parent or state.well_known("msgfolderroot")
                if method == "POST":
                    name = json.loads(self._body())["displayName"]
                    folder = state.add_folder(name, parent.id)
                    self._json(201, {"id": folder.id, "displayName": name})
                    return
                wanted = _eq(query.get("$filter", ""), "displayName")
                found = [{"id": f.id, "displayName": f.name} for f in state.folders.values()
                         if f.parent == parent.id
                         and (wanted is None or f.name.lower() == wanted.lower())]
                self._json(200, {"value": found})
                return
            if sub == "messages":
                wanted = _eq(query.get("$filter", ""), "internetMessageId")
                found = [{"id": x.id} for x in state.messages.values()
                         if x.folder == parent.id and x.internet_message_id == wanted]
                self._json(200, {"value": found})
                return
            self._delta(parent, query)
            return
        m = re.fullmatch(r"/messages/([^/]+)(?:/(\$value|move|copy))?", path)
        if not m:
            self._error(400, "BadRequest", f"unsupported: {method} {path}")
            return
        msg = state.messages.get(m.group(1))
        if msg is None:
            self._error(404, "ErrorItemNotFound",
                        "The specified object was not found in the store.")
            return
        action = m.group(2)
        if action == "$value" and method == "GET":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(msg.mime)))
            self.end_headers()
            self.wfile.write(msg.mime)
            return
        if action in ("move", "copy") and method == "POST":
            target_id = json.loads(self._body())["destinationId"]
            target = state.folders.get(target_id) or state.well_known(target_id.lower())
            if target is None:
                self._error(404, "ErrorItemNotFound", "destination not found")
                return
            if action == "move":
                state.removed.append((next(state._changes), msg.folder, msg.id))
                del state.messages[msg.id]
                new_id = msg.id if immutable else state.new_id("M")
            else:
                new_id = state.new_id("M")
            new = GraphMessage(new_id, target.id, msg.mime, next(state._changes),
                               list(msg.categories), msg.flag, msg.internet_message_id,
                               msg.received)
            state.messages[new.id] = new
            self._json(201, new.json())
            return
        if action is None and method == "GET":
            self._json(200, msg.json())
            return
        if action is None and method == "PATCH":
            patch = json.loads(self._body())
            if "categories" in patch:
                msg.categories = list(patch["categories"])
            if "flag" in patch:
                msg.flag = patch["flag"]["flagStatus"]
            msg.changed = next(state._changes)
            self._json(200, msg.json())
            return
        self._error(405, "MethodNotAllowed", f"{method} {path}")

    def _delta(self, folder: GraphFolder, query: dict[str, str]) -> None:
        state = self.state
        after = int(query.get("$deltatoken", "0"))
        if after and state.expire_deltas:
            state.expire_deltas = False
            self._error(410, "SyncStateNotFound", "The sync state generation is not found.")
            return
        skip = int(query.get("$skiptoken", "0"))
        top = int(query.get("$top", "10"))
        changed = sorted((x for x in state.messages.values()
                          if x.folder == folder.id and x.changed > after),
                         key=lambda x: x.changed)
        entries: list[dict] = [{"id": x.id, "receivedDateTime": x.received} for x in changed]
        if after:
            entries += [{"id": mid, "@removed": {"reason": "deleted"}}
                        for seq, fid, mid in state.removed if fid == folder.id and seq > after]
        page = entries[skip:skip + top]
        link = f"{self.base}/v1.0/users/{state.mailbox}/mailFolders/{folder.id}/messages/delta"
        if skip + top < len(entries):
            # real next links carry an opaque $skiptoken; ours encodes position and start
            payload = {"value": page, "@odata.nextLink":
                       f"{link}?$deltatoken={after}&$skiptoken={skip + top}&$top={top}"}
        else:
            latest = max([x.changed for x in state.messages.values()]
                         + [seq for seq, _, _ in state.removed] + [after])
            payload = {"value": page, "@odata.deltaLink": f"{link}?$deltatoken={latest}"}
        self._json(200, payload)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")


def _eq(expression: str, name: str) -> str | None:
    m = re.fullmatch(rf"\s*{name} eq '((?:[^']|'')*)'\s*", expression)
    return m.group(1).replace("''", "'") if m else None


class GraphServer:
    """The responder in a thread, on HTTPS; ``url`` is its base, ``ca_bundle`` its cert."""

    def __init__(self, directory: Path, *, tenant: str = "contoso-tenant",
                 client_id: str = "app-1234", client_secret: str = "graph-s3cret",
                 mailbox: str = "claims@contoso.example"):
        self.state = GraphState(tenant, client_id, client_secret, mailbox)
        self.ca_bundle, key = make_certificate(directory)
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_bundle, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> GraphServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
