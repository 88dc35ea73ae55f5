"""``GET /opensearch.xml``: the OpenSearch description browsers use for "search this site"."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

import falcon

CONTENT_TYPE = "application/opensearchdescription+xml; charset=utf-8"


def describe(base: str) -> str:
    """The description document for a service at ``base`` (scheme://host[:port][/path])."""
    base = base.rstrip("/")
    search = quoteattr(f"{base}/?q={{searchTerms}}")
    suggest = quoteattr(f"{base}/suggest?format=opensearch&q={{searchTerms}}")
    this = quoteattr(f"{base}/opensearch.xml")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n'
        "  <ShortName>Archive search</ShortName>\n"
        "  <Description>Search the newspaper archive</Description>\n"
        "  <InputEncoding>UTF-8</InputEncoding>\n"
        f'  <Url type="text/html" method="get" template={search}/>\n'
        f'  <Url type="application/x-suggestions+json" template={suggest}/>\n'
        f'  <Url type="application/opensearchdescription+xml" rel="self" template={this}/>\n'
        "</OpenSearchDescription>\n"
    )


class OpenSearchResource:
    """Serves the description, with URLs from ``SEARCH_PUBLIC_URL`` or the request."""

    def __init__(self, public_url: str | None = None):
        self.public_url = public_url

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = CONTENT_TYPE
        resp.cache_control = ["public, max-age=86400"]
        resp.text = describe(self.public_url or req.prefix)
