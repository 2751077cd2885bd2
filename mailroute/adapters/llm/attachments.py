"""Text out of attachments: PDF (pypdf), DOCX (python-docx), text/CSV/HTML, and images or
image-only PDFs by OCR (Tesseract through pytesseract).

OCR is optional: without the ``tesseract`` program the attachment is skipped, the skip is
recorded (status ``skipped``) and the message is processed as usual. Size, page and
character limits come from ``[llm.attachments]``.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from ...config.llm import LlmAttachments
from ...core.htmltext import html_to_text
from ...core.message import Attachment, Message
from .metrics import LlmMetrics

log = logging.getLogger("mailroute.llm")

_OCR_LOCK = threading.Lock()  # pytesseract keeps the program path in a module global
IMAGE_TYPES = ("image/png", "image/jpeg", "image/tiff", "image/gif", "image/bmp", "image/webp")


@dataclass(frozen=True, slots=True)
class AttachmentText:
    """What came out of one attachment. ``status``: ok, empty, skipped, too_large,
    unsupported, error."""

    filename: str
    kind: str
    status: str
    text: str = ""
    detail: str = ""


def kind_of(att: Attachment) -> str:
    ctype, ext = att.content_type.lower(), att.extension
    if ctype == "application/pdf" or ext == "pdf":
        return "pdf"
    if "wordprocessingml" in ctype or ext == "docx":
        return "docx"
    if ctype == "text/html" or ext in ("html", "htm"):
        return "html"
    if ctype.startswith("text/") or ext in ("txt", "csv", "tsv"):
        return "text"
    if ctype in IMAGE_TYPES or ext in ("png", "jpg", "jpeg", "tif", "tiff", "gif", "bmp"):
        return "image"
    return "other"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


class OcrUnavailable(Exception):
    """Tesseract is not installed (or not at the configured path)."""


class TextExtractor:
    """Extract attachment text within the configured limits."""

    def __init__(self, config: LlmAttachments, metrics: LlmMetrics | None = None):
        self.config = config
        self.metrics = metrics

    def extract(self, att: Attachment) -> AttachmentText:
        kind = kind_of(att)
        result = self._extract(att, kind)
        if self.metrics:
            self.metrics.attachments.labels(kind, result.status).inc()
        return result

    def _extract(self, att: Attachment, kind: str) -> AttachmentText:
        name = att.filename or "(unnamed)"
        size = len(att.payload) or att.size
        if size > self.config.max_bytes:
            return AttachmentText(name, kind, "too_large",
                                  detail=f"{size} bytes > max_bytes {self.config.max_bytes}")
        try:
            if kind == "pdf":
                text, detail = self._pdf(att.payload)
            elif kind == "docx":
                text, detail = self._docx(att.payload), ""
            elif kind == "html":
                text, detail = html_to_text(_decode(att.payload)), ""
            elif kind == "text":
                text, detail = _decode(att.payload), ""
            elif kind == "image":
                text, detail = self._ocr_bytes([att.payload]), "ocr"
            else:
                return AttachmentText(name, kind, "unsupported", detail=att.content_type)
        except OcrUnavailable as exc:
            return AttachmentText(name, kind, "skipped", detail=str(exc))
        except Exception as exc:  # a broken file must not stop the message
            return AttachmentText(name, kind, "error", detail=f"{type(exc).__name__}: {exc}"[:200])
        text = text.strip()[: self.config.max_chars]
        return AttachmentText(name, kind, "ok" if text else "empty", text, detail)

    def _pdf(self, data: bytes) -> tuple[str, str]:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = reader.pages[: self.config.max_pages]
        text = "\n".join((page.extract_text() or "") for page in pages).strip()
        detail = f"{len(pages)} of {len(reader.pages)} pages"
        if text:
            return text, detail
        # image-only (scanned) PDF: OCR the page images
        images = [img.data for page in pages for img in page.images]
        if not images:
            return "", detail
        return self._ocr_bytes(images), f"{detail}, ocr"

    def _docx(self, data: bytes) -> str:
        import docx

        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
        return "\n".join(lines)

    def _ocr_bytes(self, images: Sequence[bytes]) -> str:
        if not self.config.ocr:
            raise OcrUnavailable("OCR disabled in config ([llm.attachments] ocr = false)")
        import pytesseract
        from PIL import Image

        texts = []
        with _OCR_LOCK:
            pytesseract.pytesseract.tesseract_cmd = self.config.tesseract_cmd
            for blob in images[: self.config.max_pages]:
                try:
                    texts.append(pytesseract.image_to_string(
                        Image.open(io.BytesIO(blob)), lang=self.config.ocr_languages,
                        timeout=self.config.ocr_timeout_seconds))
                except pytesseract.TesseractNotFoundError:
                    raise OcrUnavailable(
                        f"tesseract not found ({self.config.tesseract_cmd}); "
                        "install tesseract-ocr") from None
                except pytesseract.TesseractError as exc:
                    if "Failed loading language" in str(exc) and "+" in self.config.ocr_languages:
                        texts.append(pytesseract.image_to_string(  # fall back to English
                            Image.open(io.BytesIO(blob)), lang="eng",
                            timeout=self.config.ocr_timeout_seconds))
                    else:
                        raise
        return "\n".join(texts)

    def extract_all(self, message: Message) -> list[AttachmentText]:
        if not self.config.enabled:
            return []
        return [self.extract(att) for att in message.attachments]


def joined(results: Sequence[AttachmentText], limit: int) -> str:
    """Attachment texts as one block for the prompt, with a line per skipped file."""
    parts = []
    for r in results:
        if r.status == "ok":
            parts.append(f"--- {r.filename} ---\n{r.text}")
        elif r.status in ("skipped", "too_large", "error"):
            parts.append(f"--- {r.filename}: not read ({r.status}) ---")
    text = "\n".join(parts)
    return text[:limit]
