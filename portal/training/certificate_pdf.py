"""A certificate as a PDF (`portal.pdf`) with a QR code (segno) leading to the public verification page."""

from __future__ import annotations

import segno
from flask import Response

from portal import pdf


def qr_code(url: str) -> str:
    """`url` as a QR code, a PNG data URI (scaled so a phone or a decoder reads it from print)."""
    return segno.make(url, error="m").png_data_uri(scale=8, border=4)


def download(certificate: dict, verify_url: str) -> Response:
    return pdf.download("training/certificate_pdf.html", f"certificate-{certificate['course_code']}.pdf",
                        certificate=certificate, verify_url=verify_url, qr=qr_code(verify_url))
