"""A local stand-in for an SMS provider: an HTTP server on a free 127.0.0.1 port that records each request,
and calls the site back as the provider would (a reply from a phone)."""

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes


@dataclass
class StandIn:
    port: int = 0
    received: list[Received] = field(default_factory=list)
    # What it answers next: a status and a JSON body.
    status: int = 200
    answer: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call_back(self, url: str, json_body=None, form: dict | None = None) -> requests.Response:
        """Call the site's callback as the provider does when a phone replies: a POST over HTTP to the address
        it was given, in the provider's shape (JSON, or a gateway's form)."""
        return requests.post(url, json=json_body, data=form, timeout=10)


def handler_for(stand_in: StandIn):
    class Handler(BaseHTTPRequestHandler):
        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            stand_in.received.append(
                Received(
                    self.command,
                    parts.path,
                    {key: values[0] for key, values in parse_qs(parts.query).items()},
                    {key.lower(): value for key, value in self.headers.items()},
                    self.rfile.read(length),
                )
            )
            body = json.dumps(stand_in.answer).encode()
            self.send_response(stand_in.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = handle_any  # noqa: N815 - the names http.server calls

        def log_message(self, *_args):
            pass

    return Handler


@contextmanager
def running_stand_in():
    """The stand-in, serving until the block ends (a test may stop it early: ``stop()``)."""
    stand_in = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(stand_in))
    stand_in.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    stand_in.stop = stop
    try:
        yield stand_in
    finally:
        if thread.is_alive():
            stop()
