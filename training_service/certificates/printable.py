"""A printable certificate: one self-contained HTML page (print it, or save it as PDF from the browser)."""

from __future__ import annotations

from html import escape

from chassis.clock import today
from training_service.certificates.models import Certificate

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Certificate: {course}</title>
<style>
  @page {{ size: A4 landscape; margin: 15mm; }}
  body {{ font-family: Georgia, serif; color: #1d2b3a; margin: 0; }}
  .frame {{ border: 6px double #1d2b3a; padding: 40px 60px; text-align: center; }}
  h1 {{ font-size: 34px; letter-spacing: 2px; margin: 0 0 24px; }}
  .holder {{ font-size: 30px; font-weight: bold; margin: 18px 0; }}
  .course {{ font-size: 24px; font-style: italic; margin: 18px 0; }}
  .issuer {{ font-weight: bold; }}
  .status {{ font-size: 22px; font-weight: bold; color: #a00; }}
  .meta {{ margin-top: 32px; font-size: 14px; }}
  code {{ font-size: 14px; }}
</style>
</head>
<body>
<div class="frame">
  <h1>Certificate of completion</h1>
  <p>This certifies that</p>
  <p class="holder">{holder}</p>
  <p>has completed and passed</p>
  <p class="course">{course}</p>
  <p>issued by <span class="issuer">{issuer}</span></p>
  {status_line}
  <div class="meta">
    <p>Issued on {issued_on} &middot; {expiry}</p>
    <p>Verify this certificate at <a href="{verify_url}">{verify_url}</a><br>
       verification code <code>{code}</code></p>
  </div>
</div>
</body>
</html>
"""


def render(certificate: Certificate, verify_url: str) -> str:
    status = certificate.status_on(today())
    return PAGE.format(
        holder=escape(certificate.holder.name), course=escape(certificate.course_title),
        issuer=escape(certificate.issuer),
        issued_on=certificate.issued_on.isoformat(),
        expiry=f"valid until {certificate.expires_on.isoformat()}" if certificate.expires_on else "does not expire",
        status_line="" if status == "valid" else f'<p class="status">{escape(status.upper())}</p>',
        verify_url=escape(verify_url), code=escape(certificate.verification_code),
    )
