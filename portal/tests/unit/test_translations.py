"""Bahasa Indonesia and Thai are complete: every text the portal's code and pages show has a translation."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import portal

PACKAGE = Path(portal.__file__).resolve().parent
COMPLETE_LOCALES = ("id", "th")
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def used_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(PACKAGE), METHOD_MAP, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("locale", COMPLETE_LOCALES)
def test_every_message_the_portal_shows_is_translated(locale):
    with (PACKAGE / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    translated = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in catalog if message.id and not message.fuzzy and all(
                      message.string if isinstance(message.string, tuple) else [message.string])}
    used = used_messages()
    assert len(used) > 100
    assert used - translated == set()
