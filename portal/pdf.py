"""Pages as PDF files: WeasyPrint lays out a template written for paper (Noto fonts, so Thai and Burmese names
render). Used for certificates and case summaries; the template carries its own print stylesheet."""

from __future__ import annotations

from flask import Response, render_template
from weasyprint import HTML


def render(template: str, **context) -> bytes:
    return HTML(string=render_template(template, **context)).write_pdf()


def download(template: str, filename: str, **context) -> Response:
    """`template` rendered as a PDF file the browser downloads as `filename`."""
    return Response(render(template, **context), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
