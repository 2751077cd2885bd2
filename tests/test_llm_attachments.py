"""Attachment text: PDF, DOCX, text/CSV/HTML, OCR of images and scanned PDFs (skipped and
recorded when tesseract is absent), limits, and the text reaching the extraction prompt."""

from __future__ import annotations

import io
import shutil

import pytest

from mailroute.adapters.llm.attachments import TextExtractor, joined
from mailroute.config.llm import LlmAttachments
from mailroute.core.message import Attachment
from tests.conftest import make_mail
from tests.llm_helpers import make_world
from tests.openai_server import user_text

HAS_TESSERACT = shutil.which("tesseract") is not None


def text_pdf(lines: list[str]) -> bytes:
    """A minimal born-digital PDF (Helvetica text), with a correct xref table."""
    ops = "BT /F1 14 Tf 50 750 Td " + " ".join(
        f"({line}) Tj 0 -20 Td" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
              "%%EOF\n".encode())
    return out.getvalue()


def text_image(text: str, fmt: str = "PNG") -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (900, 120), "white")
    ImageDraw.Draw(img).text((20, 30), text, fill="black",
                             font=ImageFont.load_default(size=48))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Schadeformulier polis PL-778899")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Bedrag"
    table.rows[0].cells[1].text = "EUR 1.250,00"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def att(name: str, ctype: str, data: bytes) -> Attachment:
    return Attachment(name, ctype, len(data), data)


@pytest.fixture
def extractor() -> TextExtractor:
    return TextExtractor(LlmAttachments(ocr_languages="eng"))


def test_pdf_docx_text_csv_html(extractor):
    pdf = extractor.extract(att("f.pdf", "application/pdf", text_pdf(["Factuur 2026-0413",
                                                                     "Totaal EUR 12500,00"])))
    assert pdf.status == "ok" and "Factuur 2026-0413" in pdf.text and "12500,00" in pdf.text
    doc = extractor.extract(att("s.docx", "application/vnd.openxmlformats-officedocument."
                                "wordprocessingml.document", docx_bytes()))
    assert doc.status == "ok" and "PL-778899" in doc.text and "Bedrag | EUR 1.250,00" in doc.text
    csv = extractor.extract(att("r.csv", "text/csv", b"nr;bedrag\n1;99,50\n"))
    assert csv.status == "ok" and "99,50" in csv.text
    html = extractor.extract(att("p.html", "text/html",
                                 b"<html><body><p>Polis <b>PL-1</b></p></body></html>"))
    assert html.status == "ok" and "Polis" in html.text and "<b>" not in html.text
    other = extractor.extract(att("x.bin", "application/octet-stream", b"\x00\x01"))
    assert other.status == "unsupported"


def test_limits_and_broken_files():
    small = TextExtractor(LlmAttachments(max_bytes=100, max_chars=10))
    big = small.extract(att("f.pdf", "application/pdf", text_pdf(["x"] * 3)))
    assert big.status == "too_large" and "max_bytes 100" in big.detail
    cut = small.extract(att("a.txt", "text/plain", b"0123456789abcdef"))
    assert cut.text == "0123456789"
    broken = TextExtractor(LlmAttachments()).extract(
        att("b.pdf", "application/pdf", b"%PDF-1.4 this is not a pdf"))
    assert broken.status == "error"
    assert "not read (error)" in joined([broken], 1000)


def test_ocr_absent_is_skipped_and_recorded(tmp_path):
    missing = TextExtractor(LlmAttachments(tesseract_cmd=str(tmp_path / "no-tesseract")))
    result = missing.extract(att("scan.png", "image/png", text_image("INVOICE 4711")))
    assert result.status == "skipped" and "tesseract not found" in result.detail
    scanned = missing.extract(att("scan.pdf", "application/pdf",
                                  text_image("INVOICE 4711", "PDF")))
    assert scanned.status == "skipped"


@pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract-ocr not installed "
                    "(scripts/install-test-deps.sh installs it)")
def test_ocr_reads_images_and_scanned_pdfs(extractor):
    image = extractor.extract(att("scan.png", "image/png", text_image("INVOICE 4711")))
    assert image.status == "ok" and "4711" in image.text
    scanned = extractor.extract(att("scan.pdf", "application/pdf",
                                    text_image("POLICY 8832", "PDF")))
    assert scanned.status == "ok" and "8832" in scanned.text and "ocr" in scanned.detail


def test_attachment_text_reaches_extraction_and_is_recorded(tmp_path, openai_server):
    w = make_world(tmp_path, openai_server, label="invoice", confidence=0.9,
                   llm={"extract": True, "attachments": {
                       "tesseract_cmd": str(tmp_path / "no-tesseract")}})
    try:
        openai_server.fields = {"invoice_number": "2026-0413", "amount": "12500,00"}
        mail = make_mail(subject="Factuur", attachments=[
            ("factuur.pdf", "application/pdf", text_pdf(["Factuurnummer 2026-0413"])),
            ("scan.png", "image/png", text_image("SCAN")),
        ])
        out = w.run(mail)
        assert out.status == "done"  # the skipped OCR does not stop the message
        [request] = openai_server.calls("fields")
        assert "Factuurnummer 2026-0413" in user_text(request)
        assert "scan.png: not read (skipped)" in user_text(request)
        rows = {r["filename"]: (r["status"], r["kind"])
                for r in w.tier.ledger.attachment_texts_of(out.pk)}
        assert rows == {"factuur.pdf": ("ok", "pdf"), "scan.png": ("skipped", "image")}
        assert w.metric("mailroute_llm_attachment_texts_total", kind="image",
                        result="skipped") == 1
    finally:
        w.close()
