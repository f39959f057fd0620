"""The platform's rich-text policy: one allow-list, cleaned on the way in and out; links only http(s)."""

import marshmallow as ma
import pytest

from chassis.richtext import HttpUrl, RichText, clean_html


class Note(ma.Schema):
    body = RichText()
    link = HttpUrl()


def test_scripts_event_handlers_and_script_urls_are_removed_formatting_stays():
    dirty = ('<p onclick="steal()">Read <strong>this</strong> <a href="javascript:alert(1)">here</a> '
             '<a href="https://example.org/a">there</a></p><script>alert(1)</script>'
             '<img src=x onerror="alert(1)"><iframe src="https://evil.example"></iframe><style>p{}</style>')
    clean = clean_html(dirty)
    assert clean == ('<p>Read <strong>this</strong> <a rel="noopener noreferrer nofollow">here</a> '
                     '<a href="https://example.org/a" rel="noopener noreferrer nofollow">there</a></p>')


def test_rich_text_is_cleaned_when_loaded_and_when_dumped():
    assert Note().load({"body": "<p>Hi</p><script>x()</script>"})["body"] == "<p>Hi</p>"
    assert Note().dump({"body": '<p onmouseover="x()">Hi</p>'})["body"] == "<p>Hi</p>"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
                                 "vbscript:x", "file:///etc/passwd", "ftp://example.org/a", "//example.org/a",
                                 "not a url", "https://" + "a" * 2000 + ".org"])
def test_only_http_and_https_links_are_accepted(url):
    with pytest.raises(ma.ValidationError) as refused:
        Note().load({"link": url})
    assert "link" in refused.value.messages


def test_a_stored_link_that_is_not_http_is_served_as_null():
    assert Note().load({"link": "https://docs.example.org/handbook.pdf"})["link"] == "https://docs.example.org/handbook.pdf"
    assert Note().dump({"link": "javascript:alert(1)"})["link"] is None
