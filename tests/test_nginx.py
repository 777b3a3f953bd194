"""deploy/nginx.conf in front of gunicorn run with gunicorn.conf.py, as docs/DEPLOY.md sets them up.

Gunicorn gets one worker with one thread here: without nginx holding the uploads until they are whole,
one slow phone would hold that thread and every other visitor would wait.
"""

import getpass
import http.client
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from lms.app import PROJECT_ROOT
from lms.core.extensions import db
from lms.media.models import MediaFile, MediaKind, VideoStatus
from lms.media.stores import LocalStore
from tests import factories, served

pytestmark = [pytest.mark.commits, pytest.mark.one_database]

SITE = PROJECT_ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
UPLOADS = 4
UPLOAD_BYTES = 150 * 1024  # three seconds at 50 KB/s
CHUNK_BYTES = 5 * 1024
CHUNK_SECONDS = 0.1
SIGN_IN_TIMEOUT_SECONDS = 1.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"deploy/nginx.conf no longer has {old!r}"
    return text.replace(old, new)


def site_config(folder: Path, app_port: int, http_port: int, https_port: int) -> str:
    """The deploy file with this run's ports, certificate and folders in place of the documented ones."""
    text = SITE.read_text()
    text = replaced(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    text = replaced(text, "    listen [::]:80;\n", "")
    text = replaced(text, "    listen [::]:443 ssl http2;\n", "")
    text = replaced(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = replaced(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    text = replaced(text, "/etc/letsencrypt/live/lms.example.org/fullchain.pem", str(folder / "cert.pem"))
    text = replaced(text, "/etc/letsencrypt/live/lms.example.org/privkey.pem", str(folder / "key.pem"))
    text = replaced(text, "/srv/lms/app/static/", f"{PROJECT_ROOT / 'static'}/")
    return replaced(text, "/srv/lms/instance/uploads/", f"{folder / 'uploads'}/")


def main_config(folder: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, kept inside this run's folder."""
    temporary = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
user {getpass.getuser()};
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temporary}
    include {folder / "lms.conf"};
}}
"""


@pytest.fixture(scope="module")
def proxied(app, tmp_path_factory):
    """nginx on HTTPS (a certificate made for the run) in front of gunicorn; yields the HTTPS port."""
    if NGINX is None:
        if served.under_ci():
            pytest.fail("nginx is required under CI: apt-get install nginx")
        pytest.skip("nginx is not installed: apt-get install nginx")
    folder = tmp_path_factory.mktemp("nginx")
    (folder / "uploads").mkdir()
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    environment = {
        "LMS_DATABASE_URL": app.config["LMS_TEST_DATABASE_URL"],
        "LMS_BASE_URL": f"https://127.0.0.1:{https_port}",
        "LMS_TRUSTED_PROXIES": "1",
        "LMS_UPLOAD_PATH": str(folder / "uploads"),
        "LMS_ACCEL_REDIRECT_PREFIX": "/_media",
        # The app reads the whole of each upload (a refusal by its length alone would free the thread early).
        "LMS_ANONYMOUS_MAX_KB": "1024",
    }
    arguments = ["--config", str(PROJECT_ROOT / "gunicorn.conf.py"), "--workers", "1", "--threads", "1"]
    with served.gunicorn(environment, folder, arguments) as app_port:
        (folder / "lms.conf").write_text(site_config(folder, app_port, http_port, https_port))
        (folder / "nginx.conf").write_text(main_config(folder))
        command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        with (folder / "nginx.log").open("wb") as log:
            nginx = subprocess.Popen(command, stdout=log, stderr=log)
        try:
            served.wait_until_answering(nginx, https_port, folder / "error.log", "nginx", tls=True)
            yield {"https": https_port, "http": http_port, "uploads": folder / "uploads"}
        finally:
            served.stop(nginx)


def connection(port: int, timeout: float) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=served.unverified_tls())


def get(port: int, path: str, timeout: float = 10, headers: dict | None = None) -> http.client.HTTPResponse:
    client = connection(port, timeout)
    client.request("GET", path, headers=headers or {})
    response = client.getresponse()
    response.body = response.read()
    client.close()
    return response


def trickle_upload(port: int, answers: list) -> None:
    """A phone sending a form of 150 KB at 50 KB/s, then waiting for the answer."""
    tls = served.unverified_tls().wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=30))
    with tls:
        head = (
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {UPLOAD_BYTES}\r\nConnection: close\r\n\r\n"
        )
        tls.sendall(head.encode())
        body = b"login=" + b"x" * (UPLOAD_BYTES - len("login="))
        for start in range(0, UPLOAD_BYTES, CHUNK_BYTES):
            tls.sendall(body[start : start + CHUNK_BYTES])
            time.sleep(CHUNK_SECONDS)
        answers.append(tls.recv(64).split(b"\r\n", 1)[0])


def test_four_slow_uploads_do_not_delay_the_sign_in_page(proxied):
    port = proxied["https"]
    answers: list[bytes] = []
    phones = [threading.Thread(target=trickle_upload, args=(port, answers)) for _ in range(UPLOADS)]
    for phone in phones:
        phone.start()
    try:
        time.sleep(0.5)  # every upload under way, each a part of its body sent
        for _ in range(3):
            assert all(phone.is_alive() for phone in phones), "an upload ended early"
            # The only app thread is free: nginx holds the uploads until they are whole.
            assert get(port, "/login", timeout=SIGN_IN_TIMEOUT_SECONDS).status == 200
            time.sleep(0.5)
    finally:
        for phone in phones:
            phone.join(timeout=30)
    # Each upload arrived whole and got the app's answer (a form without its CSRF token is refused).
    assert [answer.split()[1] for answer in answers] == [b"400"] * UPLOADS


def test_static_files_are_compressed_and_kept_for_a_year(proxied):
    response = get(proxied["https"], "/static/style.css?v=0123456789ab", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Encoding") == "gzip"


def test_pages_come_from_the_app_with_nginxs_request_id_and_the_client_seen_over_https(proxied):
    response = get(proxied["https"], "/login", headers={"X-Request-ID": "chosen-by-the-client"})
    assert response.status == 200
    assert len(response.getheader("X-Request-ID")) == 32
    assert response.getheader("X-Request-ID") != "chosen-by-the-client"
    # The app saw HTTPS through the one trusted proxy: HSTS goes with it.
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize("path", ["/_media/secret.mp4", "/metrics"])
def test_internal_and_operator_locations_are_not_open_from_outside(proxied, path):
    assert get(proxied["https"], path).status == 404


def test_plain_http_is_sent_to_https(proxied):
    client = http.client.HTTPConnection("127.0.0.1", proxied["http"], timeout=5)
    client.request("GET", "/login", headers={"Host": "lms.example.org"})
    response = client.getresponse()
    client.close()
    assert response.status == 301
    assert response.getheader("Location") == "https://lms.example.org/login"


def signed_in_cookie(port: int, person) -> str:
    """Sign in through nginx as a browser does: the form's CSRF token, then the session cookie it sets."""
    page = get(port, "/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.body.decode()).group(1)
    cookie = "; ".join(value.split(";", 1)[0] for value in page.headers.get_all("Set-Cookie"))
    client = connection(port, 10)
    form = urlencode({"csrf_token": token, "login": person.login_name, "password": factories.TEST_PASSWORD})
    # Over HTTPS the CSRF check also wants the page the form came from, on the host and port the browser used.
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    headers["Referer"] = f"https://127.0.0.1:{port}/login"
    client.request("POST", "/login", body=form, headers=headers)
    response = client.getresponse()
    body = response.read()
    client.close()
    assert response.status == 302, body.decode(errors="replace")[:3000]
    return "; ".join(value.split(";", 1)[0] for value in response.headers.get_all("Set-Cookie"))


def test_a_lesson_video_is_sent_by_nginx_with_ranges_after_the_apps_check(proxied):
    world = factories.make_world()
    video = b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 400
    source = proxied["uploads"] / "source.mp4"
    source.write_bytes(video)
    key = "video/2026/" + "cd" * 16 + ".mp4"
    LocalStore(proxied["uploads"]).save(key, source, "video/mp4")
    lesson = world.courses_a.video
    lesson.video = MediaFile(kind=MediaKind.VIDEO, path=key, content_type="video/mp4", size_bytes=len(video))
    lesson.video_status = VideoStatus.ORIGINAL_ONLY
    db.session.commit()
    port = proxied["https"]
    cookie = signed_in_cookie(port, world.learner_a)
    response = get(port, f"/media/{lesson.video_id}", headers={"Cookie": cookie, "Range": "bytes=100-199"})
    assert response.status == 206
    assert response.body == video[100:200]
    assert response.getheader("Content-Range") == f"bytes 100-199/{len(video)}"
    assert response.getheader("Content-Type") == "video/mp4"
    assert response.getheader("Cache-Control") == "private, max-age=31536000, immutable"
    assert response.getheader("X-Accel-Redirect") is None
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Security-Policy") == "default-src 'none'; sandbox"
    # Another cohort's learner is refused by the app before nginx reads a byte.
    other = signed_in_cookie(port, world.learner_b)
    assert get(port, f"/media/{lesson.video_id}", headers={"Cookie": other}).status == 404
