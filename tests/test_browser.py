"""The search widget and the results page in a real browser (Chromium via Playwright).

Parts: ``stack`` (a tiny index, real gunicorn on one port, a static news page on another
port, so the widget runs cross-origin as it does on the news site) and ``browser``
(Debian's Chromium; Playwright never downloads one). Tests that need no browser (widget
size, CORS headers) run without it.

``SAVE_SCREENSHOTS=1`` copies the screenshots into ``docs/``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from indexer.build import build_index
from tests.conftest import REPO
from tests.fakes import KeywordExtractor

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STATIC = REPO / "search_api" / "static"
DOCS = REPO / "docs"
WIDGET_MAX_BYTES = 15_000
TIMEOUT_MS = 10_000

ARTICLES = [
    {
        "id": "putin-1",
        "title": "Putin Says Alliance With China Is Possible",
        "body": "Vladimir Putin said a military alliance with China was possible. Russia and "
        "China have held joint exercises.",
        "date": "2020-10-22",
    },
    {
        "id": "putin-2",
        "title": "Putin Signs Law On Constitutional Amendments",
        "body": "Vladimir Putin signed the law in Moscow, Russia, on Monday.",
        "date": "2020-03-14",
    },
    {
        "id": "putin-3",
        "title": "Putin Meets Regional Governors",
        "body": "Vladimir Putin met governors to discuss the budget of Russia.",
        "date": "2021-02-01",
        "author": "Ann Lee and Bo Chan",
        "section": "Politics",
    },
    {
        "id": "putin-2016",
        "title": "Putin, Putin and Putin: A Profile",
        "body": "Vladimir Putin at 64: Putin's Russia, Putin's circle, Putin's rule.",
        "date": "2016-07-01",
        "author": "By Ann Lee, Moscow Correspondent",
        "section": "World",
    },
    {
        "id": "markup",
        "title": "Putting <b>Bold</b> Claims To The Test",
        "body": "A story whose title carries markup that must stay text in the widget.",
        "date": "2019-05-05",
    },
]

TEST_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Daily Example</title>
<style>
  body {{ font: 17px/1.5 Georgia, serif; margin: 0; color: #222; background: #fafafa; }}
  header {{ display: flex; align-items: center; justify-content: space-between; gap: 2em;
            padding: 1em 2em; background: #fff; border-bottom: 1px solid #ddd; }}
  header h1 {{ margin: 0; font-size: 1.6em; }}
  header [data-archive-search] {{ flex: 0 1 28em; }}
  main {{ padding: 1em 2em; max-width: 46em; }}
</style>
</head>
<body>
<header>
  <h1>The Daily Example</h1>
  <div data-archive-search data-placeholder="Search 20 years of news"></div>
</header>
<main>
  <h2>Today's front page</h2>
  <p>Readers can search the whole archive from the box above: suggestions appear as
  they type, and the results open on the archive's own page.</p>
</main>
<script src="{api}/widget.js" defer></script>
</body>
</html>
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive lookups) and body of a GET."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the stdlib's parameter name)
        pass


@dataclass(frozen=True)
class Stack:
    api: str  # gunicorn: the API, widget.js and the results page
    site: str  # the news site that embeds the widget (another origin)
    site_dir: Path  # the news site's files
    shots: Path  # where screenshots are written before being copied to docs/


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    archive = tmp / "archive"
    archive.mkdir()
    lines = (json.dumps(a) for a in ARTICLES)
    (archive / "news.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    index_dir = tmp / "index"
    extractor = KeywordExtractor(people=("Vladimir Putin",), places=("Russia", "China"))
    build_index(archive, index_dir, extractor=extractor)

    api_port, site_port = _free_port(), _free_port()
    api, site = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{site_port}"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "search_api.wsgi:app",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{api_port}",
            "--workers",
            "2",
        ],
        cwd=REPO,
        env={
            **os.environ,
            "SEARCH_INDEX_DIR": str(index_dir),
            "SEARCH_CORS_ORIGINS": site,
            "SEARCH_QUERY_LOG": str(index_dir.parent / "queries.jsonl"),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    site_dir = tmp / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text(TEST_PAGE.format(api=api), "utf-8")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _request(api + "/health")
                break
            except OSError:
                assert proc.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not come up"
                time.sleep(0.1)
        shots = tmp / "screenshots"
        shots.mkdir()
        yield Stack(api=api, site=site, site_dir=site_dir, shots=shots)
    finally:
        httpd.shutdown()
        httpd.server_close()
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _save_screenshot(stack: Stack, page, name: str, **options) -> None:
    """Screenshot into tmp; copied to docs/ only when SAVE_SCREENSHOTS=1."""
    path = stack.shots / name
    page.screenshot(path=str(path), animations="disabled", **options)
    assert path.stat().st_size > 1000
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS / name)


def test_widget_assets_are_small_and_served(stack):
    js = (STATIC / "widget.js").read_bytes()
    assert len(js) < WIDGET_MAX_BYTES, f"widget.js is {len(js)} bytes"
    assert b"innerHTML" not in js and b"eval(" not in js
    for name, ctype in (("widget.js", "javascript"), ("widget.css", "text/css")):
        status, headers, body = _request(f"{stack.api}/{name}")
        assert status == 200 and ctype in headers["Content-Type"]
        assert body == (STATIC / name).read_bytes()


def test_cors_allows_the_site_and_no_one_else(stack):
    url = stack.api + "/suggest?q=put&limit=8"
    status, headers, body = _request(url, {"Origin": stack.site})
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == stack.site
    assert "Vladimir Putin" in [s["text"] for s in json.loads(body)["suggestions"]]
    for origin in ("http://evil.example", stack.site.replace("127.0.0.1", "localhost")):
        status, headers, _ = _request(url, {"Origin": origin})
        assert status == 200 and "Access-Control-Allow-Origin" not in headers


def test_widget_suggests_navigates_and_submits_cross_origin(stack, browser):
    page = browser.new_page(viewport={"width": 1000, "height": 560})
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(stack.site + "/index.html")
    combo = page.get_by_role("combobox")
    combo.wait_for(timeout=TIMEOUT_MS)
    form = page.locator("form[role=search]")
    assert form.get_attribute("action") == stack.api + "/"
    assert form.get_attribute("method") == "get"
    assert combo.get_attribute("name") == "q" and combo.get_attribute("type") == "search"
    assert combo.get_attribute("aria-autocomplete") == "list"
    assert combo.get_attribute("aria-expanded") == "false"
    assert combo.get_attribute("placeholder") == "Search 20 years of news"
    listbox = page.locator("#" + combo.get_attribute("aria-controls"))
    assert listbox.get_attribute("role") == "listbox"
    assert page.locator(f"link[rel=stylesheet][href='{stack.api}/widget.css']").count() == 1

    combo.press_sequentially("put", delay=120)
    options = page.get_by_role("option")
    putin = options.filter(has_text="Vladimir Putin")
    putin.first.wait_for(timeout=TIMEOUT_MS)
    assert combo.get_attribute("aria-expanded") == "true"
    texts = page.locator("[role=option] .as-text").all_text_contents()
    assert texts[0] == "Vladimir Putin"
    assert page.locator("[role=option] .as-kind").first.text_content() == "Person"
    # A title carrying markup is shown as text, never parsed.
    assert "Putting <b>Bold</b> Claims To The Test" in texts
    assert listbox.locator("b").count() == 0
    assert listbox.locator("mark").first.text_content() == "Put"  # the typed part, marked

    combo.press("ArrowDown")
    first = options.first
    assert combo.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    combo.press("ArrowUp")  # wraps to the last option
    assert combo.get_attribute("aria-activedescendant") == options.last.get_attribute("id")
    assert first.get_attribute("aria-selected") == "false"
    combo.press("ArrowDown")  # wraps back to the first
    assert combo.get_attribute("aria-activedescendant") == first.get_attribute("id")
    _save_screenshot(
        stack, page, "screenshot-widget.png", clip={"x": 0, "y": 0, "width": 1000, "height": 360}
    )

    combo.press("Escape")  # closes the list, keeps the text
    assert listbox.is_hidden() and combo.get_attribute("aria-expanded") == "false"
    assert combo.get_attribute("aria-activedescendant") is None
    assert combo.input_value() == "put"
    combo.press("Escape")  # clears
    assert combo.input_value() == ""

    combo.press_sequentially("put", delay=120)
    putin.first.wait_for(timeout=TIMEOUT_MS)
    combo.press("ArrowDown")
    with page.expect_navigation(timeout=TIMEOUT_MS) as nav:
        combo.press("Enter")
    expected = stack.api + "/?" + urllib.parse.urlencode({"q": "Vladimir Putin"})
    assert page.url == expected
    response = nav.value
    if response is not None and response.status == 200:  # the results page is wired
        assert "Vladimir Putin" in page.locator("body").inner_text()
    assert errors == []
    page.close()


def test_widget_mouse_click_and_typed_enter_submit(stack, browser):
    page = browser.new_page()
    page.goto(stack.site + "/index.html")
    combo = page.get_by_role("combobox")
    combo.press_sequentially("put", delay=120)
    option = page.get_by_role("option").filter(has_text="Putin Meets Regional Governors")
    option.wait_for(timeout=TIMEOUT_MS)
    with page.expect_navigation(timeout=TIMEOUT_MS):
        option.click()
    assert page.url == stack.api + "/?q=Putin+Meets+Regional+Governors"

    page.goto(stack.site + "/index.html")
    combo = page.get_by_role("combobox")
    combo.press_sequentially("russia china", delay=40)
    with page.expect_navigation(timeout=TIMEOUT_MS):
        combo.press("Enter")  # no active option: the typed text is searched
    assert page.url == stack.api + "/?q=russia+china"
    page.close()


def test_results_page_works_without_javascript(stack, browser):
    status, _, _ = _request(stack.api + "/?q=putin")
    if status == 404:
        pytest.skip("GET / (the results page) is not wired into the app yet")
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1000, "height": 800}
    )
    page = context.new_page()
    response = page.goto(stack.api + "/?q=putin")
    assert response is not None and response.status == 200
    body = page.locator("body")
    for title in (
        "Putin Says Alliance With China Is Possible",
        "Putin Signs Law On Constitutional Amendments",
        "Putin Meets Regional Governors",
    ):
        assert page.get_by_text(title).first.is_visible(), title
    assert "Vladimir Putin" in body.inner_text()
    _save_screenshot(stack, page, "screenshot-page.png", full_page=True)
    context.close()


def _option_texts(page) -> list[str]:
    return page.locator("[role=option] .as-text").all_text_contents()


def _wait_until(page, check: Callable[[], bool], what: str) -> None:
    """Polls while letting Playwright deliver events (route handlers run in these waits)."""
    for _ in range(100):
        if check():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {what}")


def test_widget_debounces_and_ignores_stale_answers(stack, browser):
    from playwright.sync_api import Error as PlaywrightError

    page = browser.new_page()
    asked, held = [], []

    def handle(route):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(route.request.url).query)
        asked.append(query["q"][0])
        if query["q"][0] == "pu":
            held.append(route)  # the slow answer: it arrives after the newer one
        else:
            route.continue_()

    page.route(lambda url: "/suggest?" in url, handle)
    page.goto(stack.site + "/index.html")
    combo = page.get_by_role("combobox")
    combo.press_sequentially("putin", delay=20)  # faster than the debounce: one request
    page.get_by_role("option").first.wait_for(timeout=TIMEOUT_MS)
    assert asked == ["putin"]
    assert "Vladimir Putin" in _option_texts(page)

    combo.fill("pu")
    _wait_until(page, lambda: bool(held), "the request for 'pu'")
    combo.press("End")
    combo.press_sequentially("tt")
    _wait_until(page, lambda: asked[-1] == "putt", "the request for 'putt'")
    page.get_by_role("option").filter(has_text="putting").first.wait_for(timeout=TIMEOUT_MS)
    stale = {"query": "pu", "suggestions": [{"text": "Stale Answer", "kind": "term"}]}
    try:
        held[0].fulfill(
            status=200,
            json=stale,
            headers={"Access-Control-Allow-Origin": stack.site},
        )
    except PlaywrightError:
        pass  # the widget already aborted it: just as good
    page.wait_for_timeout(300)
    texts = _option_texts(page)
    assert "Stale Answer" not in texts and "Vladimir Putin" not in texts
    assert "Putting <b>Bold</b> Claims To The Test" in texts
    page.close()


def test_widget_mounts_every_placeholder_once_with_its_options(stack, browser):
    html = (
        '<!doctype html><meta charset="utf-8"><title>two</title>'
        "<div data-archive-search></div>"
        '<div data-archive-search data-results-url="https://news.example/search"></div>'
        f'<script src="{stack.api}/widget.js" defer></script>'
        f'<script src="{stack.api}/widget.js" defer></script>'  # included twice by mistake
    )
    (stack.site_dir / "two.html").write_text(html, "utf-8")
    page = browser.new_page()
    page.goto(stack.site + "/two.html")
    combos = page.get_by_role("combobox")
    combos.first.wait_for(timeout=TIMEOUT_MS)
    assert combos.count() == 2 and page.locator("form[role=search]").count() == 2
    assert page.locator("link[rel=stylesheet]").count() == 1
    actions = [f.get_attribute("action") for f in page.locator("form[role=search]").all()]
    assert actions == [stack.api + "/", "https://news.example/search"]
    ids = {c.get_attribute("id") for c in combos.all()}
    controls = {c.get_attribute("aria-controls") for c in combos.all()}
    assert len(ids) == 2 and len(controls) == 2
    assert combos.first.get_attribute("placeholder") == "Search the archive\u2026"
    assert page.get_by_role("combobox", name="Search the archive").count() == 2
    page.close()


WHITE, DARK = "rgb(255, 255, 255)", "rgb(31, 33, 37)"


def test_widget_css_is_light_unless_the_host_asks_for_dark():
    css = (STATIC / "widget.css").read_text("utf-8")
    media = css.split("@media (prefers-color-scheme: dark)")
    assert len(media) == 2  # one block, and only for data-theme="auto"
    inside = media[1].split("{", 1)[1]
    inside = inside[: inside.index("\n}\n")]  # what the media query holds
    selectors = [rule.split("{")[0].strip() for rule in inside.split("}") if rule.strip()]
    assert selectors == ['[data-archive-search][data-theme="auto"] > .as-form']
    assert '[data-archive-search][data-theme="dark"] > .as-form' in media[0]


@pytest.mark.parametrize(
    ("scheme", "theme", "background"),
    [
        ("light", None, WHITE),
        ("dark", None, WHITE),  # a light host page stays light whatever the system prefers
        ("light", "dark", DARK),
        ("dark", "auto", DARK),
        ("light", "auto", WHITE),
    ],
)
def test_widget_follows_the_host_theme_and_shows_focus(stack, browser, scheme, theme, background):
    name = f"theme-{theme}.html"
    attr = f' data-theme="{theme}"' if theme else ""
    html = TEST_PAGE.format(api=stack.api).replace(
        "<div data-archive-search", f"<div{attr} data-archive-search"
    )
    (stack.site_dir / name).write_text(html, "utf-8")
    page = browser.new_page(color_scheme=scheme)
    page.goto(f"{stack.site}/{name}")
    combo = page.get_by_role("combobox")
    combo.press_sequentially("put", delay=60)
    listbox = page.get_by_role("listbox")
    page.get_by_role("option").first.wait_for(timeout=TIMEOUT_MS)
    style = "(el, prop) => getComputedStyle(el)[prop]"
    assert listbox.evaluate(style, "backgroundColor") == background
    assert combo.evaluate(style, "backgroundColor") == background
    assert listbox.evaluate(style, "position") == "absolute"
    assert combo.evaluate(style, "outlineStyle") == "solid"  # visible focus
    # The dropdown sits right under the input, as wide as it.
    box, field = listbox.bounding_box(), combo.bounding_box()
    assert 0 <= box["y"] - (field["y"] + field["height"]) <= 6
    assert abs(box["x"] - field["x"]) < 1 and abs(box["width"] - field["width"]) < 1
    page.close()


def test_long_unbroken_query_and_filter_wrap_inside_the_layout(stack, browser):
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    params = {"q": "x" * 320, "people": "y" * 320}
    response = page.goto(stack.api + "/?" + urllib.parse.urlencode(params))
    assert response is not None and response.status == 200
    overflow = page.evaluate(
        """() => [...document.querySelectorAll(
              '.results-head__title, .chips__list, .chip, .notice__title, .results')]
            .filter((el) => el.scrollWidth > el.clientWidth + 1)
            .map((el) => el.className)"""
    )
    assert overflow == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1000
    page.close()


def test_results_page_sorts_recent_and_draws_the_timeline(stack, browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1000, "height": 900}
    )
    page = context.new_page()
    page.goto(stack.api + "/?q=putin")
    titles = page.locator(".result__title a")
    assert titles.first.inner_text() == "Putin, Putin and Putin: A Profile"  # best match
    sorts = page.locator(".sort__link")
    assert sorts.all_inner_texts() == ["Best match", "Recent and relevant", "Newest", "Oldest"]
    page.get_by_role("link", name="Recent and relevant").click()
    assert "sort=recent" in page.url
    assert titles.first.inner_text() == "Putin Meets Regional Governors"  # this year's
    chart = page.locator("figure.timeline svg")
    assert chart.is_visible()
    caption = page.locator("figure.timeline figcaption").text_content()
    assert caption == "Matches per year, 2016–2021"
    bars = chart.locator("rect.timeline__bar")
    assert bars.count() == 3  # 2016, 2020, 2021; the empty years are gaps
    box = bars.nth(0).bounding_box()
    assert box is not None and box["height"] > 10 and box["width"] > 10
    _save_screenshot(
        stack, page, "screenshot-timeline.png", clip={"x": 0, "y": 0, "width": 1000, "height": 620}
    )
    # Screen readers get the counts as text, each a link to its year.
    assert page.locator(".timeline__text li").all_inner_texts() == [
        "2016: 1 article",
        "2020: 2 articles",
        "2021: 1 article",
    ]
    bars.nth(1).click()
    assert "from=2020-01-01" in page.url and "to=2020-12-31" in page.url
    assert "sort=recent" in page.url
    assert titles.count() == 2
    # The byline's names are facets too.
    page.goto(stack.api + "/?q=putin")
    page.locator(".facet__link", has_text="Ann Lee").click()
    assert "author=Ann+Lee" in page.url and titles.count() == 2
    context.close()
