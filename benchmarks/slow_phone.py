"""A learner's home and a lesson opened cold on a slow phone network, in Chromium: how long until they are usable.

``python -m benchmarks.slow_phone [--learners N] [--runs N]`` seeds a program with ``lms seed-scale``, serves it
with gunicorn and its production settings (as ``benchmarks.load`` does), signs a learner in, then opens her home
page and a reading lesson she has reached, each in a new browser context (an empty cache) under Chromium's
network emulation of a slow 3G link: 400 ms round trip, 50 KB/s down and up. It prints the median of each
page's DOMContentLoaded and load times, its requests and the bytes that crossed the network.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.load import BIN, PASSWORD, ROOT, fixtures, serve, stop
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, find_chromium

SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50 * 1024, "uploadThroughput": 50 * 1024}
TIMINGS = """() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  return {
    ready: navigation.domContentLoadedEventEnd,
    loaded: navigation.loadEventEnd,
    requests: 1 + resources.length,
    bytes: navigation.transferSize + resources.reduce((sum, entry) => sum + entry.transferSize, 0),
  };
}"""


def open_cold(browser, base: str, cookies: list[dict], path: str) -> dict:
    """Open ``path`` in a new context (nothing cached) on the slow network; its timings once loaded."""
    width, height = PHONE
    context = browser.new_context(
        base_url=base, viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
    )
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        network = context.new_cdp_session(page)
        network.send("Network.enable")
        network.send("Network.emulateNetworkConditions", SLOW_3G)
        response = page.goto(path, wait_until="load", timeout=120_000)
        if response is None or response.status != 200:
            raise RuntimeError(f"{path} answered {response and response.status}")
        return page.evaluate(TIMINGS)
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000, help="size of the program to seed")
    parser.add_argument("--runs", type=int, default=5, help="cold loads of each page")
    arguments = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("Chromium is needed: apt-get install chromium")
    folder = Path(tempfile.mkdtemp(prefix="lms-slow-phone-"))
    url = f"sqlite:///{folder / 'scale.sqlite3'}"
    env = {**os.environ, "LMS_INSTANCE_PATH": str(folder), "LMS_DATABASE_URL": url, "LMS_LOG_LEVEL": "warning"}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*flask, "lms", "seed-scale", "--learners", str(arguments.learners), "--password", PASSWORD],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    learner = fixtures(url, 1)["learners"][0]
    server, base = serve("wsgi:app", env, folder / "server.log")
    started_at = datetime.now(UTC)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            signing_in = browser.new_context(base_url=base)
            page = signing_in.new_page()
            page.goto("/login")
            page.fill("input[name=login]", learner["login"])
            page.fill("input[name=password]", PASSWORD)
            page.click("form:has(input[name=password]) button[type=submit]")
            page.wait_for_url(f"{base}/")
            cookies = signing_in.cookies()
            signing_in.close()
            print(
                f"Slow phone, {started_at:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
                f"{arguments.learners:,} learners; slow 3G (400 ms RTT, 50 KB/s), cold cache, "
                f"median of {arguments.runs}"
            )
            print("\n| page | DOMContentLoaded ms | load ms | requests | bytes on the wire |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, path in (("learner home", "/"), ("reading lesson", f"/lessons/{learner['reading']}")):
                runs = [open_cold(browser, base, cookies, path) for _ in range(arguments.runs)]
                ready = statistics.median(run["ready"] for run in runs)
                loaded = statistics.median(run["loaded"] for run in runs)
                print(
                    f"| {name} (`{path}`) | {ready:,.0f} | {loaded:,.0f} | {runs[0]['requests']} "
                    f"| {runs[0]['bytes']:,} |"
                )
            browser.close()
    finally:
        stop(server)


if __name__ == "__main__":
    main()
