"""The platform's one policy for rich text (HTML written by people) and for the links people give.

Lesson bodies (training), case notes (joint action) and whatever the portal renders as HTML are
written by one person and shown in another's browser. Every service cleans such HTML with the same
allow-list, through nh3 (the Python binding of the Rust sanitiser Ammonia), when it is stored AND
when it is served: a document stored before the policy, or written by another path, is never sent
out unclean. Links must be http(s) (or mailto inside rich text): `javascript:`, `data:` and
`vbscript:` URLs never pass.

Use the marshmallow fields: `RichText()` in request and response schemas, `HttpUrl()` for a link to
a document or page.
"""

from __future__ import annotations

import marshmallow as ma
import nh3
from marshmallow import validate

# Formatting a lesson or a note needs; no scripts, styles, forms, frames, media or event handlers.
ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "div", "span", "h2", "h3", "h4", "h5", "h6",
    "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark", "abbr", "cite", "q",
    "blockquote", "pre", "code", "kbd",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})  # inside rich text
DOCUMENT_SCHEMES = frozenset({"http", "https"})  # a link given on its own (a document, a page)
LINK_REL = "noopener noreferrer nofollow"


def clean_html(html: str) -> str:
    """`html` with everything outside the allow-list removed (script and style elements with their
    content); links keep only allowed schemes and get `rel="noopener noreferrer nofollow"`."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={tag: set(names) for tag, names in
                                                                ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(LINK_SCHEMES), link_rel=LINK_REL, strip_comments=True)


class RichText(ma.fields.String):
    """HTML cleaned by `clean_html` when loaded (before it is stored) and when dumped (as it is served)."""

    def __init__(self, **kwargs):
        metadata = {"description": "HTML; cleaned to the platform's rich-text allow-list (chassis.richtext)",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return clean_html(super()._deserialize(value, attr, data, **kwargs))

    def _serialize(self, value, attr, obj, **kwargs):
        text = super()._serialize(value, attr, obj, **kwargs)
        return None if text is None else clean_html(text)


class HttpUrl(ma.fields.Url):
    """An absolute http or https URL (no `javascript:`, `data:`, `file:` ...), at most 2,000 characters.
    Served as null if a stored value is not one (stored before the rule, or by another path)."""

    def __init__(self, **kwargs):
        validators = kwargs.pop("validate", None) or []
        validators = [validate.Length(max=2000), *([validators] if callable(validators) else validators)]
        super().__init__(schemes=set(DOCUMENT_SCHEMES), require_tld=False, validate=validators, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is not None and is_http_url(value) else None


def is_http_url(value: str) -> bool:
    """Whether `value` is an absolute http(s) URL."""
    try:
        validate.URL(schemes=set(DOCUMENT_SCHEMES), require_tld=False)(value)
    except ma.ValidationError:
        return False
    return True
