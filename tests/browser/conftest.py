"""Browser tests: gunicorn serves the test database, Debian's Chromium drives it through Playwright.

Every page a journey opens is checked with ``check_page(page)``: axe-core finds no serious or critical
accessibility problem, and a learner's page stays within the page-weight budget. A page opened and left
unchecked fails the test, as do console errors and failed requests.
"""

import gzip
import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import pytest
import requests
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Request, Response, sync_playwright

from lms.app import PROJECT_ROOT
from tests import served
from tests.served import under_ci

BROWSER_TESTS = Path(__file__).resolve().parent
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# HTML, CSS and JavaScript of one learner's page, compressed; pictures, video and fonts are not counted.
PAGE_WEIGHT_BUDGET = 30 * 1024
PAGE_WEIGHTS_FILE = PROJECT_ROOT / "test-artifacts" / "page-weights.txt"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
SERVER_START_SECONDS = 20
ACTION_TIMEOUT_MS = 15_000  # a click or fill that waits longer has gone wrong; fail without idling
PHONE = (360, 640)
LAPTOP = (1280, 800)


def journey_share() -> tuple[int, int] | None:
    """``LMS_JOURNEY_SHARE=K/N``: this run walks the K-th of every N journeys (tests/run.py sets it)."""
    share = os.environ.get("LMS_JOURNEY_SHARE")
    if not share:
        return None
    index, count = (int(part) for part in share.split("/"))
    return index, count


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.commits)  # the served app reads what the test commits
            item.add_marker(pytest.mark.xdist_group("browser"))  # one served app for all: one process takes them
    share = journey_share()
    if share is None:
        return
    # Runs side by side share the journeys out, each walked once: they drive the served app through
    # the browser, where both databases are already covered request by request.
    index, count = share
    journeys = sorted(BROWSER_TESTS.glob("test_*_journey.py"))
    elsewhere = {path for number, path in enumerate(journeys) if number % count != index}
    deselected = [item for item in items if item.path in elsewhere]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.path not in elsewhere]


# Package-scoped: the served app and its queue worker stop once the browser tests are done, so no job of theirs
# writes to the database while the tests after them read and write it in their own transactions.
@pytest.fixture(scope="package")
def live_server(app, tmp_path_factory):
    """The app served by gunicorn with its queue worker, as a user runs them, on the migrated test database;
    yields its base URL."""
    logs = tmp_path_factory.mktemp("gunicorn")
    environment = {
        "LMS_DATABASE_URL": app.config["LMS_TEST_DATABASE_URL"],
        "LMS_INSTANCE_PATH": os.environ["LMS_INSTANCE_PATH"],
        "LMS_QUEUE_URL": f"sqlite:///{logs / 'queue.sqlite3'}",
        "LMS_PASSWORD_TIME_COST": "1",
        "LMS_PASSWORD_MEMORY_KIB": "64",
    }
    arguments = ["--workers", "2", "--threads", "2"]
    with served.gunicorn(environment, logs, arguments) as port, served.worker(environment, logs):
        yield f"http://127.0.0.1:{port}"


def find_chromium() -> str | None:
    """$LMS_CHROMIUM when set, else Debian's /usr/bin/chromium, else ``chromium`` on the PATH."""
    wanted = os.environ.get("LMS_CHROMIUM")
    return shutil.which(wanted) if wanted else shutil.which("/usr/bin/chromium") or shutil.which("chromium")


@pytest.fixture(scope="package")
def browser():
    """Headless Debian Chromium, launched once for the browser tests; skipped when missing (failed under CI)."""
    executable = find_chromium()
    if executable is None:
        if under_ci():
            pytest.fail("Chromium is required under CI: apt-get install chromium")
        pytest.skip("No Chromium found: apt-get install chromium to run the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script from node_modules (``make install-node``); skipped when missing (failed under CI)."""
    if not AXE_SCRIPT.is_file():
        message = "axe-core is missing: run `make install-node` (npm ci) to check the pages' accessibility"
        if under_ci():
            pytest.fail(message)
        pytest.skip(message)
    return AXE_SCRIPT.read_text(encoding="utf-8")


# Runs in the page after axe.min.js: the serious and critical violations, in a few readable words each.
RUN_AXE = """async (impacts) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
      summary: violation.nodes.length ? violation.nodes[0].failureSummary : "",
      count: violation.nodes.length,
    }));
}"""

# The page's markup as axe-core reads it, less what changes from visit to visit without changing what it checks:
# the CSRF token's value, and the numbers in text, links and values (counts, dates, ids in URLs); element ids and
# the attributes naming them stay as they are.
MARKUP = """() => document.documentElement.outerHTML
  .replace(/(name="csrf_token"[^>]*value=")[^"]*/g, "$1")
  .replace(/>[^<]*</g, (text) => text.replace(/[0-9]+/g, "0"))
  .replace(/( (?:href|action|src|value|datetime|min|max)=")([^"]*)/g,
           (_all, name, value) => name + value.replace(/[0-9]+/g, "0"))"""

# The compressed (encoded) and uncompressed (decoded) sizes of the document and of the stylesheets and
# scripts it links to; media is left out. A resource served from the memory cache may have no timing entry:
# its size is then null, and the caller uses the size measured when it was last downloaded. What the
# service worker answered (``worker``) carries its uncompressed size: the caller weighs that on the wire.
MEASURE_WEIGHT = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const entries = new Map(performance.getEntriesByType("resource").map((entry) => [entry.name, entry]));
  const linked = (selector, attribute) => [...document.querySelectorAll(selector)].map((node) => node[attribute]);
  const resource = (kind) => (url) => {
    const entry = entries.get(url);
    return {
      kind, url, worker: Boolean(entry && entry.workerStart > 0),
      encoded: entry ? entry.encodedBodySize : null, decoded: entry ? entry.decodedBodySize : null,
    };
  };
  return [
    {
      kind: "document", url: location.href, worker: navigation.workerStart > 0,
      encoded: navigation.encodedBodySize, decoded: navigation.decodedBodySize,
    },
    ...linked("link[rel~=stylesheet][href]", "href").map(resource("stylesheet")),
    ...linked("script[src]", "src").map(resource("script")),
  ];
}"""


@dataclass
class PageWeight:
    """What one learner's page cost to download: compressed bytes by kind, and the uncompressed total."""

    test: str
    path: str
    document: int = 0
    stylesheets: int = 0
    scripts: int = 0
    uncompressed: int = 0

    @property
    def total(self) -> int:
        return self.document + self.stylesheets + self.scripts


PAGE_WEIGHTS: list[PageWeight] = []


@dataclass
class PageRecord:
    """What the recorder knows of one open page: the HTML documents it loaded and not yet checked."""

    learner: bool
    unchecked: list[str] = field(default_factory=list)


class Pages:
    """Opens pages in fresh browser contexts, records the errors seen in any of them and checks each page."""

    def __init__(self, browser: Browser, base_url: str, axe_source: str, test_name: str):
        self.browser = browser
        self.base_url = base_url
        self.axe_source = axe_source
        self.test_name = test_name
        self.contexts = []
        self.pages: dict[Page, PageRecord] = {}
        self.problems: list[str] = []
        self.expected: set[tuple[int, str]] = set()
        self.known_sizes: dict[str, tuple[int, int]] = {}

    def __call__(self, viewport: tuple[int, int] = PHONE, locale: str = "en-US", learner: bool = False) -> Page:
        """A page in a new context; ``learner`` pages are weighed against the page-weight budget."""
        width, height = viewport
        mobile = width < 600
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
            locale=locale,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        # axe-core is in every document before its own scripts run, put there by DevTools (the page's
        # Content-Security-Policy does not apply), and not sent again for each check.
        context.add_init_script(self.axe_source)
        self.contexts.append(context)
        page = context.new_page()
        self.pages[page] = PageRecord(learner)
        CHECKERS[page] = self
        page.on("console", self.console)
        page.on("pageerror", self.page_error)
        page.on("requestfailed", self.request_failed)
        page.on("response", self.response)
        return page

    def path(self, url: str) -> str:
        return url.removeprefix(self.base_url).split("#")[0] or "/"

    def expect_status(self, status: int, path: str) -> None:
        """Responses with ``status`` for ``path`` are what the test expects: do not record them."""
        self.expected.add((status, path))

    def console(self, message: ConsoleMessage) -> None:
        # "Failed to load resource" repeats a failed request or response, recorded (or expected) below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            where = message.location.get("url")
            self.problems.append(f"console error: {message.text}" + (f" ({where})" if where else ""))

    def page_error(self, error: Error) -> None:
        self.problems.append(f"page error: {error}")

    def request_failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def response(self, response: Response) -> None:
        path = self.path(response.url).split("?")[0]
        if response.status >= 400 and (response.status, path) not in self.expected:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")
        request = response.request
        is_html = response.headers.get("content-type", "").startswith("text/html")
        if request.is_navigation_request() and is_html and not 300 <= response.status < 400:
            record = self.pages.get(response.frame.page)
            if record is not None and response.frame == response.frame.page.main_frame:
                record.unchecked.append(self.path(response.url))

    def check(self, page: Page) -> None:
        """Check the page on screen: axe-core's serious and critical violations, and a learner page's weight."""
        page.wait_for_load_state("load")
        path = self.path(page.url)
        self.check_accessibility(page, path)
        record = self.pages[page]
        if record.learner:
            self.weigh(page, path)
        # Only the page on screen is seen: one loaded and left before its check stays listed.
        if record.unchecked and record.unchecked[-1] == path:
            record.unchecked.pop()

    def check_accessibility(self, page: Page, path: str) -> None:
        markup = (page.viewport_size["width"], hashlib.sha256(page.evaluate(MARKUP).encode()).hexdigest())
        if markup in ACCESSIBLE_MARKUP:
            AXE_CHECKS["seen before"] += 1
            return
        AXE_CHECKS["run"] += 1
        violations = page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
        if not violations:
            ACCESSIBLE_MARKUP.add(markup)
        for violation in violations:
            targets = ", ".join(violation["targets"])
            summary = " ".join(violation["summary"].split())[:300]
            self.problems.append(
                f"accessibility ({violation['impact']}) on {path}: {violation['id']}: {violation['help']}; "
                f"{violation['count']} element(s), e.g. {targets}. {summary}"
            )

    def weigh(self, page: Page, path: str) -> None:
        weight = PageWeight(self.test_name, path)
        for part in page.evaluate(MEASURE_WEIGHT):
            url, encoded, decoded = part["url"], part["encoded"], part["decoded"]
            if part["worker"]:
                encoded, decoded = self.known_sizes.get(url) or self.wire_size(page, url)
            if encoded:
                self.known_sizes[url] = (encoded, decoded)
            elif part["kind"] != "document":
                encoded, decoded = self.known_sizes.get(url, (None, None))
            if encoded is None:
                self.problems.append(f"page weight of {path}: could not measure {url}")
                continue
            weight.uncompressed += decoded
            if part["kind"] == "document":
                weight.document += encoded
            elif part["kind"] == "stylesheet":
                weight.stylesheets += encoded
            else:
                weight.scripts += encoded
        PAGE_WEIGHTS.append(weight)
        if weight.total > PAGE_WEIGHT_BUDGET:
            self.problems.append(
                f"page weight of {path}: {weight.total} bytes compressed (document {weight.document}, "
                f"CSS {weight.stylesheets}, JavaScript {weight.scripts}), over the budget of {PAGE_WEIGHT_BUDGET}"
            )

    @staticmethod
    def wire_size(page: Page, url: str) -> tuple[int, int]:
        """(compressed, uncompressed) bytes the server sends for ``url`` to this page's browser."""
        cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies(url)}
        with requests.get(
            url, headers={"Accept-Encoding": "br, gzip"}, cookies=cookies, stream=True, timeout=10
        ) as got:
            body = got.raw.read(decode_content=False)
            encoding = got.headers.get("Content-Encoding")
        decoded = {"br": brotli.decompress, "gzip": gzip.decompress}.get(encoding, bytes)(body)
        return len(body), len(decoded)

    def unchecked(self) -> list[str]:
        return [path for record in self.pages.values() for path in record.unchecked]

    def finish(self) -> None:
        """Close the pages; fail the test on what they recorded, or on a page opened and never checked."""
        unchecked = self.unchecked()
        self.close()
        if unchecked:
            self.problems.append("pages opened but never checked with check_page(): " + ", ".join(unchecked))
        if self.problems:
            pytest.fail("the browser recorded problems:\n" + "\n".join(self.problems), pytrace=False)

    def close(self) -> None:
        for page in self.pages:
            CHECKERS.pop(page, None)
        for context in self.contexts:
            context.close()


CHECKERS: dict[Page, Pages] = {}
# Markup already checked with axe-core in this run, by viewport width: the same markup at the same width gives the
# same violations, so a page a journey comes back to in the same state is not checked again (each check costs
# Chromium tens of milliseconds).
ACCESSIBLE_MARKUP: set[tuple[int, str]] = set()
AXE_CHECKS = {"run": 0, "seen before": 0}


def check_page(page: Page) -> None:
    """Check the page on screen (accessibility, and weight for a learner); call it on every page a journey opens."""
    CHECKERS[page].check(page)


@pytest.fixture
def new_page(browser, live_server, axe_source, request):
    """``new_page(viewport=(360, 640), locale="en-US", learner=False)`` opens a page; any problem fails the test."""
    pages = Pages(browser, live_server, axe_source, request.node.name)
    yield pages
    pages.finish()


@pytest.fixture
def phone_page(new_page) -> Page:
    """A 360x640 touch phone page in English, a learner's: weighed against the budget."""
    return new_page(PHONE, learner=True)


@pytest.fixture
def laptop_page(new_page) -> Page:
    """A 1280x800 laptop page in English."""
    return new_page(LAPTOP)


def pytest_sessionfinish(session):
    if not PAGE_WEIGHTS:
        return
    lines = [f"{'compressed':>10} {'document':>9} {'css':>6} {'js':>6} {'unzipped':>9}  page (test)"]
    for weight in PAGE_WEIGHTS:
        lines.append(
            f"{weight.total:>10} {weight.document:>9} {weight.stylesheets:>6} {weight.scripts:>6} "
            f"{weight.uncompressed:>9}  {weight.path} ({weight.test})"
        )
    PAGE_WEIGHTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    PAGE_WEIGHTS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    if AXE_CHECKS["run"]:
        terminalreporter.write_line(
            f"Accessibility: axe-core ran on {AXE_CHECKS['run']} pages; {AXE_CHECKS['seen before']} more showed "
            "markup already checked"
        )
    if not PAGE_WEIGHTS:
        return
    heaviest = max(PAGE_WEIGHTS, key=lambda weight: weight.total)
    terminalreporter.write_line(
        f"Page weight: {len(PAGE_WEIGHTS)} learner pages checked, the heaviest {heaviest.total} bytes compressed "
        f"({heaviest.path}), budget {PAGE_WEIGHT_BUDGET}; every page in {PAGE_WEIGHTS_FILE.relative_to(PROJECT_ROOT)}"
    )


def save_screenshot(page: Page, name: str, max_height: int | None = None) -> Path:
    folder = PROJECT_ROOT / os.environ.get("LMS_SCREENSHOTS", "test-artifacts/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    # The whole page, down to the end of its content: no empty screen below a short page.
    width = page.viewport_size["width"]
    height = page.evaluate(
        "Math.min(document.documentElement.scrollHeight,"
        " Math.ceil(document.querySelector('main').getBoundingClientRect().bottom + scrollY) + 24)"
    )
    if max_height is not None:
        height = min(height, max_height)  # a long page: its top is what a README reader needs to see
    page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
    return path


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, name, max_height=None)`` saves a PNG of the page (its top ``max_height`` pixels when
    given) to $LMS_SCREENSHOTS (or test-artifacts/screenshots)."""
    return save_screenshot
