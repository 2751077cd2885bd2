"""A small EWS (SOAP) responder on loopback, for driving exchangelib for real in tests.

It keeps a mailbox in memory (folders, messages with MIME, categories, the flag) and answers
the operations the EWS source uses: GetFolder, FindFolder, CreateFolder, SyncFolderItems,
GetItem, FindItem (restriction on InternetMessageId), MoveItem, CopyItem, UpdateItem, and
CreateItem of a message from MimeContent (SendOnly / SendAndSaveCopy, recorded in ``sent``).
Responses follow the shapes of Microsoft's documented examples (EWS reference, "XML elements"
and the operation pages). Like Exchange, an item gets a new ItemId when it moves.

Failure modes a test can switch on: wrong credentials (HTTP 401), ``busy`` (the next N
requests get an ErrorServerBusy SOAP fault with BackOffMilliseconds) and ``fail`` (an
operation answers with an error response message).
"""

from __future__ import annotations

import base64
import itertools
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

S = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS = {"s": S, "m": M, "t": T}
FLAG_TAG = "0x1090"


@dataclass
class EwsFolder:
    id: str
    name: str
    parent: str | None
    distinguished: str | None = None


@dataclass
class EwsSent:
    """One message the responder "sent" (CreateItem with a Send disposition)."""

    mime: bytes
    disposition: str
    saved_folder: str | None  # the folder id the copy was saved in
    saved_mailbox: str  # the mailbox named in SavedItemFolderId ("" for the caller's own)


@dataclass
class EwsItem:
    id: str
    folder: str
    mime: bytes
    seq: int
    changekey: str = "CK1"
    categories: list[str] = field(default_factory=list)
    flag: int | None = None
    message_id: str = ""
    received: str = "2026-11-03T10:12:00Z"


class EwsState:
    """The mailbox behind the responder; tests read and change it directly."""

    def __init__(self, username: str, password: str):
        self.username = username
        self.password = password
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)
        self.folders: dict[str, EwsFolder] = {}
        self.items: dict[str, EwsItem] = {}
        self.ops: list[str] = []  # every operation answered, in order
        self.busy = 0  # answer this many next requests with ErrorServerBusy
        self.busy_ms = 50
        self.busy_op: str | None = None  # when set, only this operation is answered busy
        self.fail: dict[str, str] = {}  # operation -> EWS error code to answer with
        self.sent: list[EwsSent] = []
        self.drop_next = 0  # close this many next CreateItem connections without an answer
        root = self.add_folder("root", None, "root")
        top = self.add_folder("Top of Information Store", root.id, "msgfolderroot")
        self.add_folder("Inbox", top.id, "inbox")
        self.add_folder("Sent Items", top.id, "sentitems")

    def new_id(self, prefix: str) -> str:
        # Real ids are long base64 strings; the exact form does not matter to clients.
        raw = f"{prefix}-{next(self._ids):06d}".encode()
        return base64.b64encode(raw + b"\x00" * 12).decode()

    def add_folder(self, name: str, parent: str | None, distinguished: str | None = None
                   ) -> EwsFolder:
        folder = EwsFolder(self.new_id("F"), name, parent, distinguished)
        self.folders[folder.id] = folder
        return folder

    def folder_by_path(self, path: str) -> EwsFolder | None:
        """``inbox`` or ``Finance/Invoices`` (under the top of the mailbox)."""
        parts = [p for p in path.split("/") if p]
        current = self.distinguished("inbox" if parts[0].lower() == "inbox" else "msgfolderroot")
        if parts[0].lower() == "inbox":
            parts = parts[1:]
        for part in parts:
            match = [f for f in self.folders.values()
                     if f.parent == current.id and f.name.lower() == part.lower()]
            if not match:
                return None
            current = match[0]
        return current

    def distinguished(self, name: str) -> EwsFolder:
        return next(f for f in self.folders.values() if f.distinguished == name)

    def deliver(self, mime: bytes, folder: str = "inbox") -> EwsItem:
        """Put a message in a folder, as the transport would."""
        with self.lock:
            target = self.folder_by_path(folder)
            assert target is not None, folder
            msg = message_from_bytes(mime)
            item = EwsItem(self.new_id("I"), target.id, mime, next(self._seq),
                           message_id=(msg.get("Message-ID") or "").strip())
            self.items[item.id] = item
            return item

    def in_folder(self, path: str) -> list[EwsItem]:
        folder = self.folder_by_path(path)
        if folder is None:
            return []
        return [i for i in self.items.values() if i.folder == folder.id]

    def move(self, item: EwsItem, folder_id: str, *, copy: bool = False) -> EwsItem:
        new = EwsItem(self.new_id("I"), folder_id, item.mime, next(self._seq),
                      categories=list(item.categories), flag=item.flag,
                      message_id=item.message_id, received=item.received)
        if not copy:
            del self.items[item.id]
        self.items[new.id] = new
        return new


# -- XML out --------------------------------------------------------------------------------

def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def envelope(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<s:Envelope xmlns:s="{S}"><s:Header>'
        '<h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" '
        f'MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="{T}" xmlns="{T}"/>'
        f'</s:Header><s:Body>{body}</s:Body></s:Envelope>'
    ).encode()


def response(op: str, messages: list[str]) -> bytes:
    return envelope(
        f'<m:{op}Response xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>'
        + "".join(messages) + f"</m:ResponseMessages></m:{op}Response>"
    )


def ok(op: str, inner: str = "") -> str:
    return (f'<m:{op}ResponseMessage ResponseClass="Success">'
            f"<m:ResponseCode>NoError</m:ResponseCode>{inner}</m:{op}ResponseMessage>")


def error(op: str, code: str, text: str) -> str:
    return (f'<m:{op}ResponseMessage ResponseClass="Error"><m:MessageText>{_esc(text)}'
            f"</m:MessageText><m:ResponseCode>{code}</m:ResponseCode>"
            f"<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:{op}ResponseMessage>")


def server_busy(back_off_ms: int) -> bytes:
    """The SOAP fault Exchange sends when a client is throttled (with its back-off hint)."""
    return envelope(
        "<s:Fault>"
        f'<faultcode xmlns:a="{T}">a:ErrorServerBusy</faultcode>'
        '<faultstring xml:lang="en-US">The server cannot service this request right now. '
        "Try again later.</faultstring><detail>"
        '<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">'
        "ErrorServerBusy</e:ResponseCode>"
        '<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">'
        "The server cannot service this request right now. Try again later.</e:Message>"
        f'<t:MessageXml xmlns:t="{T}"><t:Value Name="BackOffMilliseconds">{back_off_ms}'
        "</t:Value></t:MessageXml></detail></s:Fault>"
    )


def folder_xml(f: EwsFolder, state: EwsState) -> str:
    total = sum(1 for i in state.items.values() if i.folder == f.id)
    children = sum(1 for c in state.folders.values() if c.parent == f.id)
    parent = f'<t:ParentFolderId Id="{f.parent}" ChangeKey="FCK"/>' if f.parent else ""
    return (f'<t:Folder><t:FolderId Id="{f.id}" ChangeKey="FCK"/>{parent}'
            f"<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>{_esc(f.name)}"
            f"</t:DisplayName><t:TotalCount>{total}</t:TotalCount><t:ChildFolderCount>"
            f"{children}</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount></t:Folder>")


def item_id_xml(item: EwsItem) -> str:
    return f'<t:Message><t:ItemId Id="{item.id}" ChangeKey="{item.changekey}"/></t:Message>'


def item_xml(item: EwsItem, with_mime: bool) -> str:
    mime = (f'<t:MimeContent CharacterSet="UTF-8">{base64.b64encode(item.mime).decode()}'
            "</t:MimeContent>") if with_mime else ""
    cats = "".join(f"<t:String>{_esc(c)}</t:String>" for c in item.categories)
    flag = (f'<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="{FLAG_TAG}" '
            f'PropertyType="Integer"/><t:Value>{item.flag}</t:Value></t:ExtendedProperty>'
            if item.flag is not None else "")
    return (f"<t:Message>{mime}<t:ItemId Id=\"{item.id}\" ChangeKey=\"{item.changekey}\"/>"
            f'<t:ParentFolderId Id="{item.folder}" ChangeKey="FCK"/>'
            f"<t:Categories>{cats}</t:Categories>"
            f"<t:DateTimeReceived>{item.received}</t:DateTimeReceived>"
            f"<t:InternetMessageId>{_esc(item.message_id)}</t:InternetMessageId>"
            f"{flag}</t:Message>")


# -- operations -----------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    state: EwsState  # set on the subclass the server makes

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/xml; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user == self.state.username and password == self.state.password

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.lower() != "/ews/exchange.asmx":
            self._send(404, b"not found", "text/plain")
            return
        if not self._authorized():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="127.0.0.1"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        tree = etree.fromstring(body)
        request = tree.find("s:Body", NS)[0]
        op = etree.QName(request).localname
        state = self.state
        with state.lock:
            state.ops.append(op)
            if op == "CreateItem" and state.drop_next > 0:
                # the request arrived and was processed; the answer is lost on the way
                state.drop_next -= 1
                self.op_CreateItem(request)
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if state.busy > 0 and state.busy_op in (None, op):
                state.busy -= 1
                self._send(500, server_busy(state.busy_ms))
                return
            if op in state.fail:
                code = state.fail[op]
                self._send(200, response(op, [error(op, code, f"{op} failed: {code}")]))
                return
            handler = getattr(self, f"op_{op}", None)
            if handler is None:
                self._send(200, response(op, [error(op, "ErrorInvalidOperation",
                                                      f"{op} is not served here")]))
                return
            self._send(200, response(op, handler(request)))

    # each op_X returns the response messages of operation X

    def _folder_ref(self, elem: etree._Element) -> EwsFolder | None:
        if etree.QName(elem).localname == "DistinguishedFolderId":
            try:
                return self.state.distinguished(elem.get("Id"))
            except StopIteration:
                return None
        return self.state.folders.get(elem.get("Id"))

    def op_GetFolder(self, req: etree._Element) -> list[str]:
        out = []
        for ref in req.find("m:FolderIds", NS):
            folder = self._folder_ref(ref)
            if folder is None:
                out.append(error("GetFolder", "ErrorFolderNotFound",
                                 "The specified folder could not be found in the store."))
            else:
                out.append(ok("GetFolder", f"<m:Folders>{folder_xml(folder, self.state)}"
                                           "</m:Folders>"))
        return out

    def op_FindFolder(self, req: etree._Element) -> list[str]:
        parent = self._folder_ref(req.find("m:ParentFolderIds", NS)[0])
        wanted = req.find(".//t:Constant", NS)
        name = wanted.get("Value").lower() if wanted is not None else None
        found = [f for f in self.state.folders.values()
                 if parent and f.parent == parent.id and (name is None or f.name.lower() == name)]
        inner = "".join(folder_xml(f, self.state) for f in found)
        return [ok("FindFolder", f'<m:RootFolder TotalItemsInView="{len(found)}" '
                                 f'IncludesLastItemInRange="true"><t:Folders>{inner}'
                                 "</t:Folders></m:RootFolder>")]

    def op_CreateFolder(self, req: etree._Element) -> list[str]:
        parent = self._folder_ref(req.find("m:ParentFolderId", NS)[0])
        out = []
        for spec in req.find("m:Folders", NS):
            name = spec.findtext("t:DisplayName", namespaces=NS)
            if parent is None:
                out.append(error("CreateFolder", "ErrorParentFolderNotFound", "no parent"))
                continue
            if any(f.parent == parent.id and f.name.lower() == name.lower()
                   for f in self.state.folders.values()):
                out.append(error("CreateFolder", "ErrorFolderExists",
                                 "A folder with the specified name already exists."))
                continue
            folder = self.state.add_folder(name, parent.id)
            out.append(ok("CreateFolder", f'<m:Folders><t:Folder><t:FolderId Id="{folder.id}" '
                                          'ChangeKey="FCK"/></t:Folder></m:Folders>'))
        return out

    def op_SyncFolderItems(self, req: etree._Element) -> list[str]:
        folder = self._folder_ref(req.find("m:SyncFolderId", NS)[0])
        if folder is None:
            return [error("SyncFolderItems", "ErrorFolderNotFound", "no such folder")]
        text = req.findtext("m:SyncState", default="", namespaces=NS) or ""
        after = int(text.removeprefix("S")) if text.startswith("S") else 0
        limit = int(req.findtext("m:MaxChangesReturned", default="512", namespaces=NS))
        new = sorted((i for i in self.state.items.values()
                      if i.folder == folder.id and i.seq > after), key=lambda i: i.seq)
        page = new[:limit]
        last = page[-1].seq if page else after
        changes = "".join(f"<t:Create>{item_id_xml(i)}</t:Create>" for i in page)
        return [ok("SyncFolderItems",
                   f"<m:SyncState>S{last}</m:SyncState><m:IncludesLastItemInRange>"
                   f"{'true' if len(new) <= limit else 'false'}</m:IncludesLastItemInRange>"
                   f"<m:Changes>{changes}</m:Changes>")]

    def op_GetItem(self, req: etree._Element) -> list[str]:
        with_mime = any(u.get("FieldURI") == "item:MimeContent"
                        for u in req.iter(f"{{{T}}}FieldURI"))
        out = []
        for ref in req.find("m:ItemIds", NS):
            item = self.state.items.get(ref.get("Id"))
            if item is None:
                out.append(error("GetItem", "ErrorItemNotFound",
                                 "The specified object was not found in the store."))
            else:
                out.append(ok("GetItem", f"<m:Items>{item_xml(item, with_mime)}</m:Items>"))
        return out

    def op_FindItem(self, req: etree._Element) -> list[str]:
        folder = self._folder_ref(req.find("m:ParentFolderIds", NS)[0])
        wanted = req.find(".//t:Constant", NS)
        mid = wanted.get("Value") if wanted is not None else None
        found = [i for i in self.state.items.values()
                 if folder and i.folder == folder.id and (mid is None or i.message_id == mid)]
        inner = "".join(item_id_xml(i) for i in found)
        return [ok("FindItem", f'<m:RootFolder TotalItemsInView="{len(found)}" '
                               f'IncludesLastItemInRange="true"><t:Items>{inner}</t:Items>'
                               "</m:RootFolder>")]

    def _move(self, req: etree._Element, op: str, copy: bool) -> list[str]:
        target = self._folder_ref(req.find("m:ToFolderId", NS)[0])
        out = []
        for ref in req.find("m:ItemIds", NS):
            item = self.state.items.get(ref.get("Id"))
            if item is None or target is None:
                out.append(error(op, "ErrorItemNotFound" if item is None
                                 else "ErrorFolderNotFound", "not found"))
                continue
            new = self.state.move(item, target.id, copy=copy)
            out.append(ok(op, f"<m:Items>{item_id_xml(new)}</m:Items>"))
        return out

    def op_MoveItem(self, req: etree._Element) -> list[str]:
        return self._move(req, "MoveItem", copy=False)

    def op_CopyItem(self, req: etree._Element) -> list[str]:
        return self._move(req, "CopyItem", copy=True)

    def op_CreateItem(self, req: etree._Element) -> list[str]:
        disposition = req.get("MessageDisposition", "SaveOnly")
        saved = req.find("m:SavedItemFolderId", NS)
        folder = self._folder_ref(saved[0]) if saved is not None else None
        mailbox = (saved.findtext(".//t:Mailbox/t:EmailAddress", default="", namespaces=NS)
                   if saved is not None else "")
        out = []
        for message in req.find("m:Items", NS):
            mime_text = message.findtext("t:MimeContent", namespaces=NS)
            if not mime_text:
                out.append(error("CreateItem", "ErrorInvalidRecipients",
                                 "At least one recipient isn't valid."))
                continue
            mime = base64.b64decode(mime_text)
            self.state.sent.append(EwsSent(mime, disposition, folder.id if folder else None,
                                           mailbox))
            if disposition == "SendAndSaveCopy" and folder is not None:
                item = EwsItem(self.state.new_id("I"), folder.id, mime, next(self.state._seq),
                               message_id=(message_from_bytes(mime).get("Message-ID") or ""
                                           ).strip())
                self.state.items[item.id] = item
            # send dispositions return no item id, as in Exchange
            out.append(ok("CreateItem", "<m:Items/>"))
        return out

    def op_UpdateItem(self, req: etree._Element) -> list[str]:
        out = []
        for change in req.iter(f"{{{T}}}ItemChange"):
            item = self.state.items.get(change.find("t:ItemId", NS).get("Id"))
            if item is None:
                out.append(error("UpdateItem", "ErrorItemNotFound", "not found"))
                continue
            for update in change.find("t:Updates", NS):
                kind = etree.QName(update).localname
                uri = update.find("t:FieldURI", NS)
                ext = update.find("t:ExtendedFieldURI", NS)
                if uri is not None and uri.get("FieldURI") == "item:Categories":
                    item.categories = ([s.text for s in update.iter(f"{{{T}}}String")]
                                       if kind == "SetItemField" else [])
                elif ext is not None and ext.get("PropertyTag", "").lower() == FLAG_TAG:
                    value = update.findtext(".//t:ExtendedProperty/t:Value", namespaces=NS)
                    item.flag = int(value) if kind == "SetItemField" and value else None
            item.changekey = f"CK{int(item.changekey[2:]) + 1}"
            out.append(ok("UpdateItem", f"<m:Items>{item_id_xml(item)}</m:Items>"
                                        "<m:ConflictResults><t:Count>0</t:Count>"
                                        "</m:ConflictResults>"))
        return out


class EwsServer:
    """The responder in a thread; ``endpoint`` is the EWS URL to configure."""

    def __init__(self, username: str = "svc-mailroute", password: str = "s3cret"):
        self.state = EwsState(username, password)
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/EWS/Exchange.asmx"

    def start(self) -> EwsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
