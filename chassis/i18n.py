"""The languages people read the platform in: one list of locales and one way to choose a person's language.

The portal and the gateway's own pages (sign-in, password change) are served at one origin, so one cookie,
`rso_locale`, carries a person's choice to both. An OpenID Connect `ui_locales` parameter wins over it (a
relying party asking for a language), and the browser's `Accept-Language` is the fallback.
Catalogues are gettext `.po` files compiled to `.mo` beside them (see `compile_catalogues`).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel

DEFAULT_LOCALE = "en"
# Complete catalogues. Malay, Burmese, Khmer and Vietnamese ("ms", "my", "km", "vi") join by adding a catalogue.
SUPPORTED_LOCALES = ("en", "id", "th")
LOCALE_NAMES = {"en": "English", "id": "Bahasa Indonesia", "th": "ไทย"}  # each in its own language
LOCALE_COOKIE = "rso_locale"
LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600


def supported(locale: str | None) -> str | None:
    """`locale` (or its language part, `th-TH` -> `th`) if the platform has a catalogue for it."""
    if not locale:
        return None
    language = locale.replace("_", "-").split("-")[0].lower()
    return language if language in SUPPORTED_LOCALES else None


def select_locale() -> str:
    """The request's language: `ui_locales` (first supported), then the `rso_locale` cookie, then the browser's."""
    for candidate in (request.args.get("ui_locales") or "").split():
        if supported(candidate):
            return supported(candidate)
    return (supported(request.cookies.get(LOCALE_COOKIE))
            or request.accept_languages.best_match(SUPPORTED_LOCALES)
            or DEFAULT_LOCALE)


def init_babel(app: Flask, translations: Path) -> Babel:
    """Flask-Babel on `app` with the platform's locale selection and the catalogues in `translations`."""
    return Babel(app, locale_selector=select_locale, default_translation_directories=str(translations))


def compile_catalogues(translations: Path) -> list[Path]:
    """Compile every `<locale>/LC_MESSAGES/*.po` under `translations` to its `.mo`; the files written.

    The `.mo` files are committed beside their `.po` so an installed package needs no build step; a test
    compiles again and compares, so a `.po` edited without recompiling fails the suite.
    """
    written = []
    for po_path in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written
