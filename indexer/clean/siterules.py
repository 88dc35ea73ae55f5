"""Per-site extraction rules: a small TOML file, loaded once, matched per page.

The parts: ``SiteRule`` (one rule), ``SiteRules`` (the loaded file: ``load`` validates it,
``for_page`` picks the rule for a page) and ``glob_to_regex`` (path patterns). Applying a
rule to a page is ``indexer.clean.page``'s job; this module knows no HTML.

File format
-----------
One ``[[rule]]`` table per site; the first rule that matches a page is used::

    # Moscow Times pages: the article container, and the widgets inside it.
    [[rule]]
    host = "themoscowtimes.com"          # the page URL's host; subdomains match too
    body = ["div.article__content"]      # CSS selector(s) of the article text container(s)
    title = "h1.article__title"          # CSS selector(s); first non-empty match wins
    date = "time.article__date"          # datetime/content attribute, else the element text
    drop = [".article__related", ".social-share", "figure"]   # removed before anything else

    # Everything archived under moscowtimes/, whatever its URL.
    [[rule]]
    path = "moscowtimes/**"              # glob on the archive-relative path

Keys of a rule (all optional except that ``host`` or ``path`` is required):

- ``host``: host name of the page URL (taken from JSON-LD/OpenGraph/canonical link), case
  insensitive; ``"themoscowtimes.com"`` also matches ``www.themoscowtimes.com`` and any
  other subdomain, and a leading ``www.`` in the rule is ignored.
- ``path``: glob on the page's archive-relative path: ``*`` and ``?`` stay within one
  folder, ``**`` spans folders (``"mt/**"`` matches everything under ``mt/``,
  ``"**/*.html"`` every HTML page). With both ``host`` and ``path``, both must match.
- ``section``: a CSS selector (or a list) of the element naming the page's section, or
  ``"url:N"``: the N-th segment of the page URL's path (``"url:1"`` makes
  ``https://example.com/politics/2020/story`` a "Politics" story).
- ``body``, ``title``, ``date``, ``drop``: a CSS selector or a list of them (the CSS that
  BeautifulSoup's ``select`` understands). ``drop`` removes elements first; when ``body``
  matches, the text of the matched elements (paragraphs kept) is the article body, else
  the generic extractor runs; ``title`` and ``date`` win over the page metadata when found.

A malformed file (bad TOML, an unknown key, a rule with neither ``host`` nor ``path``, a
value of the wrong type, an invalid CSS selector) raises ``ValueError`` naming the file,
the rule number and the problem.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import soupsieve

_SELECTOR_KEYS = ("body", "title", "date", "drop")
_RULE_KEYS = frozenset({"host", "path", "section", *_SELECTOR_KEYS})
# ``section = "url:N"``: the page URL's N-th path segment names the section.
_URL_SEGMENT = re.compile(r"url:(\d{1,2})")


@dataclass(frozen=True)
class SiteRule:
    """One site's rule: where it applies and which selectors to use.

    Attributes:
        host: host name the page URL must be (or be a subdomain of), lower case, no "www.".
        path: glob the archive-relative path must match.
        body, title, date, drop: CSS selectors, in the order given.
        section: CSS selectors of the section name, or ``section_segment``: the number
            (from 1) of the URL path segment that names it.
    """

    host: str | None = None
    path: str | None = None
    body: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    section_segment: int | None = None

    def matches(self, *, url: str | None, path: str | None) -> bool:
        """Whether this rule applies to a page with this URL and archive path."""
        if self.host is not None:
            page_host = _host(url)
            if not page_host or not (page_host == self.host or page_host.endswith("." + self.host)):
                return False
        if self.path is not None:
            if path is None or not glob_to_regex(self.path).fullmatch(_posix(path)):
                return False
        return True


class SiteRules:
    """The rules of one config file, in file order."""

    def __init__(self, rules: list[SiteRule] | tuple[SiteRule, ...] = ()) -> None:
        """Wrap already-built rules (``load`` is the usual way in)."""
        self.rules: tuple[SiteRule, ...] = tuple(rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __repr__(self) -> str:
        return f"SiteRules({len(self.rules)} rules)"

    @classmethod
    def load(cls, path: str | Path) -> SiteRules:
        """Read and validate a rules file.

        Args:
            path: the TOML file.

        Returns:
            The rules, in file order.

        Raises:
            ValueError: the file cannot be read or is malformed; the message names the file,
                the rule and the problem.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read site rules: {exc}") from exc
        return cls.loads(text, source=str(path))

    @classmethod
    def loads(cls, text: str, *, source: str = "<site rules>") -> SiteRules:
        """Parse and validate rules from TOML text (``load`` without the file).

        Raises:
            ValueError: the text is malformed (see ``load``).
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{source}: not valid TOML: {exc}") from exc
        unknown = sorted(set(data) - {"rule"})
        if unknown:
            raise ValueError(
                f"{source}: unknown top-level key(s) {', '.join(unknown)}; "
                "rules go in [[rule]] tables"
            )
        tables = data.get("rule", [])
        if not isinstance(tables, list):
            raise ValueError(f"{source}: 'rule' must be an array of tables ([[rule]])")
        return cls([_parse_rule(table, f"{source}: rule {n}") for n, table in enumerate(tables, 1)])

    def for_page(self, *, url: str | None, path: str | None) -> SiteRule | None:
        """The first rule that applies to the page, or ``None``.

        Args:
            url: the page's URL (its host is matched), if known.
            path: the page's archive-relative path (matched against ``path`` globs).
        """
        for rule in self.rules:
            if rule.matches(url=url, path=path):
                return rule
        return None


def _parse_rule(table: object, where: str) -> SiteRule:
    """Validate one ``[[rule]]`` table into a ``SiteRule``."""
    if not isinstance(table, dict):
        raise ValueError(f"{where}: must be a table")
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(_RULE_KEYS))}"
        )
    host = table.get("host")
    path = table.get("path")
    if host is None and path is None:
        raise ValueError(f"{where}: needs 'host' or 'path' to say which pages it applies to")
    for key, value in (("host", host), ("path", path)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError(f"{where}: '{key}' must be a non-empty string")
    if isinstance(host, str):
        host = host.strip().lower().rstrip(".")
        host = host.removeprefix("www.")
        if "/" in host or ":" in host or " " in host:
            raise ValueError(f"{where}: 'host' must be a bare host name like 'example.com'")
    selectors = {key: _selectors(table.get(key), f"{where}: '{key}'") for key in _SELECTOR_KEYS}
    section = table.get("section")
    segment = None
    if isinstance(section, str) and (m := _URL_SEGMENT.fullmatch(section.strip())):
        segment = int(m.group(1))
        if segment < 1:
            raise ValueError(f"{where}: 'section': URL path segments count from 1 (url:1)")
        selectors["section"] = ()
    else:
        selectors["section"] = _selectors(section, f"{where}: 'section'")
    return SiteRule(
        host=host,
        path=path.strip() if isinstance(path, str) else None,
        section_segment=segment,
        **selectors,
    )


def _selectors(value: object, where: str) -> tuple[str, ...]:
    """A selector or a list of them, each compiled once to reject invalid CSS early."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) for s in items):
        raise ValueError(f"{where}: must be a CSS selector string or a list of them")
    result = []
    for selector in items:
        selector = selector.strip()
        if not selector:
            raise ValueError(f"{where}: empty CSS selector")
        try:
            soupsieve.compile(selector)
        except soupsieve.SelectorSyntaxError as exc:
            first_line = str(exc).splitlines()[0]
            raise ValueError(f"{where}: invalid CSS selector {selector!r}: {first_line}") from exc
        result.append(selector)
    return tuple(result)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.rstrip(".").removeprefix("www.") if host else None


def _posix(path: str) -> str:
    return path.replace("\\", "/").lstrip("/")


@lru_cache(maxsize=256)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a path glob: ``*``/``?`` within one folder, ``**`` across folders.

    Args:
        pattern: e.g. ``"moscowtimes/**"``, ``"20*/*/putin-*.html"``, ``"**/*.htm"``.

    Returns:
        A regex to ``fullmatch`` against a POSIX relative path.
    """
    pattern = _posix(pattern)
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")  # zero or more whole folders
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out), re.S)
