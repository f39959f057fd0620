"""What each kind of notification says, in the recipient's language (gettext catalogues under translations/).

A message names codes, dates and the record's link; never a victim's identity or a restricted item's content.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from babel.support import NullTranslations, Translations
from markupsafe import escape

from chassis.i18n import DEFAULT_LOCALE, supported

TRANSLATIONS = Path(__file__).parent / "translations"


def _(message: str) -> str:
    """Mark a message for the catalogue; it is translated when rendered."""
    return message


# kind -> (subject, body); placeholders are filled from the notification's params.
MESSAGES: dict[str, tuple[str, str]] = {
    "offer_made": (
        _("Deployment offer: %(function)s in %(country)s"),
        _("The roster office offers you a deployment as %(function)s in %(country)s from %(start_date)s to "
          "%(end_date)s. Please accept or decline the offer on the platform.")),
    "offer_accepted": (
        _("Offer accepted: %(function)s in %(country)s"),
        _("The expert offered for your request (%(function)s in %(country)s, from %(start_date)s) accepted "
          "the deployment.")),
    "offer_declined": (
        _("Offer declined: %(function)s in %(country)s"),
        _("The expert offered for your request (%(function)s in %(country)s, from %(start_date)s) declined "
          "the deployment. The roster office can offer another expert.")),
    "request_rejected": (
        _("Deployment request rejected"),
        _("The roster office rejected your deployment request. The reason is on the request.")),
    "enrolment_seat": (
        _("You have a seat in a training session"),
        _("Your enrolment is confirmed: you have a seat in the session.")),
    "enrolment_rejected": (
        _("Enrolment not accepted"),
        _("The training provider did not accept your enrolment in the session.")),
    "certificate_expiring": (
        _("Your certificate %(course_code)s expires on %(expires_on)s"),
        _("Your certificate for %(course_title)s (%(course_code)s), issued by %(issuer)s, expires on "
          "%(expires_on)s. Enrol in a refresher course to keep it valid.")),
    "certificate_expired": (
        _("Your certificate %(course_code)s has expired"),
        _("Your certificate for %(course_title)s (%(course_code)s), issued by %(issuer)s, expired on "
          "%(expires_on)s.")),
    "certificate_revoked": (
        _("Your certificate %(course_code)s was revoked"),
        _("%(issuer)s revoked your certificate for %(course_title)s (%(course_code)s).")),
    "case_shared": (
        _("A case was shared with your organisation"),
        _("A joint-action case led by %(lead_tenant)s was shared with your organisation (%(permission)s).")),
    "tenant_suspended": (
        _("Your organisation's access is suspended"),
        _("The platform administrators suspended your organisation's access: nobody of %(tenant)s can sign in "
          "until it is reactivated. Reason given: %(reason)s")),
    "task_assigned": (
        _("A task on a case led by %(lead_tenant)s"),
        _("A task on a joint-action case led by %(lead_tenant)s was assigned to you or your organisation "
          "(%(assigned_tenant)s), due %(due_date)s. Open the case to read it.")),
    "item_released": (
        _("Information released to your organisation"),
        _("%(originator_tenant)s released an information item of a joint-action case led by %(lead_tenant)s to "
          "your organisation. Open the case to read it.")),
    "expert_deployed": (
        _("Expert deployed: %(function)s in %(country)s"),
        _("An expert of the roster is deployed on a joint-action case led by %(lead_tenant)s, as %(function)s in "
          "%(country)s from %(start_date)s to %(end_date)s.")),
    "password_reset": (
        _("Reset your RSO Platform password"),
        _("Someone asked to reset the password of your account. To choose a new password, open the link below "
          "within 30 minutes; it works once. If it was not you, ignore this message: your password stays as it "
          "is.")),
}

# kind -> what a person chooses to receive by e-mail or not (the preference page).
LABELS: dict[str, str] = {
    "offer_made": _("Deployment offers made to you"),
    "offer_accepted": _("Offers accepted by experts"),
    "offer_declined": _("Offers declined by experts"),
    "request_rejected": _("Deployment requests rejected"),
    "enrolment_seat": _("A seat in a training session"),
    "enrolment_rejected": _("Enrolments not accepted"),
    "certificate_expiring": _("Certificates about to expire"),
    "certificate_expired": _("Certificates expired"),
    "certificate_revoked": _("Certificates revoked"),
    "case_shared": _("Cases shared with your organisation"),
    "task_assigned": _("Tasks assigned"),
    "item_released": _("Information released to your organisation"),
    "expert_deployed": _("Experts deployed on cases"),
    "tenant_suspended": _("Your organisation's access suspended"),
}


@dataclasses.dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@functools.cache
def _translations(language: str) -> NullTranslations:
    if language == DEFAULT_LOCALE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language])


def language_of(preferred: str | None) -> str:
    return supported(preferred) or DEFAULT_LOCALE


def title(kind: str, params: dict, language: str | None) -> str:
    return _translations(language_of(language)).gettext(MESSAGES[kind][0]) % params


def label(kind: str, language: str | None) -> str:
    return _translations(language_of(language)).gettext(LABELS[kind])


def render(kind: str, params: dict, *, language: str, name: str | None, link: str) -> Rendered:
    """Subject, plain text and HTML of a `kind` message in `language` (English where it has no catalogue)."""
    translations = _translations(language_of(language))
    gettext = translations.gettext
    subject_id, body_id = MESSAGES[kind]
    greeting = gettext("Hello %(name)s,") % {"name": name} if name else gettext("Hello,")
    body = gettext(body_id) % params
    open_it = gettext("Open it on the platform:")
    footer = gettext("You receive this message because of your role on the RSO Platform.")
    text = f"{greeting}\n\n{body}\n\n{open_it} {link}\n\n-- \n{footer}\n"
    html_body = gettext(body_id) % {key: escape(value) for key, value in params.items()}
    html = (f'<!DOCTYPE html>\n<html lang="{language_of(language)}"><body>\n<p>{escape(greeting)}</p>\n'
            f'<p>{html_body}</p>\n<p><a href="{escape(link)}">{escape(open_it)} {escape(link)}</a></p>\n'
            f"<p><small>{escape(footer)}</small></p>\n</body></html>\n")
    return Rendered(subject=gettext(subject_id) % params, text=text, html=html)
