"""The gateway's pages are complete in every platform language, and the committed `.mo` files match their `.po`."""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from chassis.i18n import SUPPORTED_LOCALES, compile_catalogues
from gateway import TRANSLATIONS
from gateway.identity import login, passwords, second_factor
from gateway.oauth import pages, reset_pages

TEMPLATES = Path(TRANSLATIONS).parent / "templates"
SHOWN_MESSAGES = {
    login.GENERIC_REFUSAL, pages.CSRF_REFUSAL, pages.NOT_AVAILABLE, pages.SESSION_EXPIRED, passwords.TOO_SHORT,
    passwords.TOO_LONG, passwords.TOO_SIMPLE, passwords.CONTAINS_EMAIL, passwords.SAME_AS_BEFORE,
    passwords.CONFIRMATION_DIFFERS, second_factor.WRONG_CODE, passwords.TOO_COMMON, *passwords.MISSING_CLASS.values(),
    reset_pages.TOO_MANY,
}


def template_messages() -> set[str]:
    return {match for path in TEMPLATES.glob("*.html") for match in re.findall(r'_\("([^"]+)"', path.read_text())}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_of_the_pages_is_translated(locale):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    translated = {message.id for message in catalog if message.id and message.string}

    assert template_messages() | SHOWN_MESSAGES <= translated


def test_the_committed_mo_files_are_compiled_from_their_po(tmp_path):
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)

    for compiled in compile_catalogues(copy):
        committed = TRANSLATIONS / compiled.relative_to(copy)
        assert compiled.read_bytes() == committed.read_bytes(), f"recompile {committed}"
