"""Lesson text: Markdown rendered on the server, then sanitised so that no script survives.

Leads write readings, quiz introductions, assignment instructions and transcripts in
Markdown (CommonMark plus tables). Raw HTML is allowed in the source, because authors
paste it, but everything goes through nh3 afterwards: only text tags, tables, links
and same-site images remain, links get ``rel="noopener noreferrer"``, and no script,
event handler, inline style or ``javascript:`` URL gets through.
"""

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}

_parser = MarkdownIt("commonmark", {"html": True}).enable("table")


# What a browser does before it reads a URL: drops tabs and newlines anywhere, strips spaces and
# control characters at the ends, and reads a backslash as a slash (so ``/\\host/x`` is ``//host/x``).
_URL_INVISIBLES = str.maketrans("", "", "\t\n\r")
_URL_EDGES = "".join(chr(code) for code in range(0x21))


def _same_site(url: str) -> bool:
    """A path on this site as a browser reads it: no scheme, no host, not ``//host`` in any spelling."""
    seen = url.translate(_URL_INVISIBLES).strip(_URL_EDGES).replace("\\", "/")
    parts = urlsplit(seen)
    return not parts.scheme and not parts.netloc and not seen.startswith("//")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images from other sites would cost the learner data and leak who reads what.
    if tag == "img" and attribute == "src" and not _same_site(value):
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    link_rel="noopener noreferrer",
    url_schemes=LINK_SCHEMES,
    # Lazy images: a learner on metered data downloads a picture only when it scrolls into view.
    set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
)


def render_markdown(text: str | None) -> Markup:
    """Markdown source → sanitised HTML, safe to put in a page as it is. A lesson keeps its texts rendered
    (``Lesson.body_html``, ``Lesson.transcript_html``), made here when they are saved."""
    if not text:
        return Markup("")
    return Markup(_cleaner.clean(_parser.render(text)))  # noqa: S704 - nh3 has just sanitised it
