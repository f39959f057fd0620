"""A certificate as a PDF: WeasyPrint lays out an HTML page (Noto fonts, so Thai and Burmese names render) with a
QR code (segno) leading to the public verification page."""

from __future__ import annotations

import segno
from flask import render_template
from weasyprint import HTML


def qr_code(url: str) -> str:
    """`url` as a QR code, a PNG data URI (scaled so a phone or a decoder reads it from print)."""
    return segno.make(url, error="m").png_data_uri(scale=8, border=4)


def render(certificate: dict, verify_url: str) -> bytes:
    page = render_template("training/certificate_pdf.html", certificate=certificate, verify_url=verify_url,
                           qr=qr_code(verify_url))
    return HTML(string=page).write_pdf()
