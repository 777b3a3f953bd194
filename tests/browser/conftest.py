"""Browser tests: gunicorn serves the test database, Debian's Chromium drives it through Playwright."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Request, Response, sync_playwright

from lms import PROJECT_ROOT

BROWSER_TESTS = Path(__file__).resolve().parent
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
PHONE = (360, 640)
LAPTOP = (1280, 800)


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers_http(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/login")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def live_server(app, tmp_path_factory):
    """The app served by gunicorn, as a user runs it, on the migrated test database; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "LMS_DATABASE_URL": app.config["LMS_TEST_DATABASE_URL"],
        "LMS_INSTANCE_PATH": os.environ["LMS_INSTANCE_PATH"],
        "LMS_PASSWORD_TIME_COST": "1",
        "LMS_PASSWORD_MEMORY_KIB": "64",
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--threads", "2", "wsgi:app"]
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stderr=stderr)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not answers_http(port):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
                pytest.fail(f"gunicorn did not start on port {port}; its stderr ends:\n{tail}", pytrace=False)
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def find_chromium() -> str | None:
    """$LMS_CHROMIUM when set, else Debian's /usr/bin/chromium, else ``chromium`` on the PATH."""
    wanted = os.environ.get("LMS_CHROMIUM")
    return shutil.which(wanted) if wanted else shutil.which("/usr/bin/chromium") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, launched once per session; skipped when missing (failed under CI)."""
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("Chromium is required under CI: apt-get install chromium")
        pytest.skip("No Chromium found: apt-get install chromium to run the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Pages:
    """Opens pages in fresh browser contexts and records the errors seen in any of them."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.problems: list[str] = []
        self.expected: set[tuple[int, str]] = set()

    def __call__(self, viewport: tuple[int, int] = PHONE, locale: str = "en-US") -> Page:
        width, height = viewport
        mobile = width < 600
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
            locale=locale,
        )
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self.console)
        page.on("pageerror", self.page_error)
        page.on("requestfailed", self.request_failed)
        page.on("response", self.response)
        return page

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
        path = response.url.removeprefix(self.base_url).split("?")[0]
        if response.status >= 400 and (response.status, path) not in self.expected:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(viewport=(360, 640), locale="en-US")`` opens a page; any error it records fails the test."""
    pages = Pages(browser, live_server)
    yield pages
    pages.close()
    if pages.problems:
        pytest.fail("the browser recorded errors:\n" + "\n".join(pages.problems), pytrace=False)


@pytest.fixture
def phone_page(new_page) -> Page:
    """A 360x640 touch phone page in English."""
    return new_page(PHONE)


@pytest.fixture
def laptop_page(new_page) -> Page:
    """A 1280x800 laptop page in English."""
    return new_page(LAPTOP)


def save_screenshot(page: Page, name: str) -> Path:
    folder = PROJECT_ROOT / os.environ.get("LMS_SCREENSHOTS", "test-artifacts/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, name)`` saves a full-page PNG to $LMS_SCREENSHOTS (or test-artifacts/screenshots)."""
    return save_screenshot
