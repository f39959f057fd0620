import re

import pytest
from babel.messages.pofile import read_po

from notification_service.messages import MESSAGES, TRANSLATIONS, render

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("language", ["id", "th"])
def test_every_message_is_translated_with_the_same_placeholders(language):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalogue = read_po(po_file, locale=language)
    for subject, body in MESSAGES.values():
        for message in (subject, body):
            translated = catalogue.get(message)
            assert translated is not None and translated.string, f"{language}: {message!r} is not translated"
            assert set(PLACEHOLDER.findall(translated.string)) == set(PLACEHOLDER.findall(message)), message


def test_the_html_part_escapes_what_the_event_says_and_both_parts_link_to_the_record():
    rendered = render("tenant_suspended", {"tenant": "THA", "reason": "<script>x</script>"}, language="en",
                      name="A <b>", link="https://rso.example.org/")
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "A &lt;b&gt;" in rendered.html
    assert "https://rso.example.org/" in rendered.text and 'href="https://rso.example.org/"' in rendered.html


def test_a_language_without_a_catalogue_is_english():
    rendered = render("request_rejected", {}, language="fr", name=None, link="https://x")
    assert rendered.subject == "Deployment request rejected" and rendered.text.startswith("Hello,")
