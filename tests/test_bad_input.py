"""Whatever is posted to any form, by anyone, the answer is never a 500."""

from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.permissions import MATRIX, ROLES

# Each form validates every field it has, so one post can carry several kinds of garbage in different fields.
GARBAGE = [
    {},
    {
        "name": "\x00",
        "login": "\x00\x00",
        "password": "\x00",
        "invite_code": "\x00",
        "email": "a\x00@b.c",
        **dict.fromkeys(("program_id", "mentor_id", "role", "starts_on", "ends_on", "lang", "phone"), "9" * 40),
    },
    {
        **dict.fromkeys(("name", "login", "county", "currency", "invite_code", "email", "next"), "长" * 5000),
        "program_id": "-1",
        "mentor_id": "abc",
        "starts_on": "2027-02-30",
        "role": "admin",
        "lang": "../../etc",
    },
]


def urls_taking_posts(app, world) -> dict[str, tuple[str, dict[str, int]]]:
    """Each URL of the matrix that a POST reaches, once, with its endpoint and what each role is declared to get.

    A URL whose route takes no POST answers 405 before any of the app's code runs.
    """
    adapter = app.url_map.bind("localhost")
    urls: dict[str, tuple[str, dict[str, int]]] = {}
    for endpoint, cases in MATRIX.items():
        for case in cases:
            url = case.url(world)
            try:
                adapter.match(urlsplit(url).path, method="POST")
            except HTTPException:
                continue
            urls.setdefault(url, (endpoint, case.expect))
    return urls


def one_url_per_view(urls: dict[str, tuple[str, dict[str, int]]], role: str) -> dict:
    """Of the URLs of one view, one: the first whose view ``role`` reaches (it reads the form), else the first.

    Other ids reach the same form; a view refusing her decides so before reading anything posted.
    """
    chosen: dict[str, tuple[str, tuple[str, dict[str, int]]]] = {}
    for url, (endpoint, expect) in sorted(urls.items()):
        reaches = expect.get(role) not in (403, 404)
        if endpoint not in chosen or (reaches and chosen[endpoint][1][1].get(role) in (403, 404)):
            chosen[endpoint] = (url, (endpoint, expect))
    return dict(chosen.values())


def same_as_for_the_lead(role: str, expect: dict[str, int]) -> bool:
    """An admin reaches the view a lead reaches, through the same form: the lead's posts have tried it."""
    return role == "admin" and expect.get("lead") == expect.get("admin") and expect.get("lead") not in (403, 404)


def refused_before_reading(response) -> bool:
    """Refused for who is asking (403, or sent to sign in), which the access check decides before any form."""
    return response.status_code == 403 or response.headers.get("Location", "").startswith("/login")


@pytest.mark.parametrize("role", ROLES)
def test_no_garbage_post_gets_a_server_error(app, client, auth, world, role):
    user = world.by_role(role)
    if user is not None:
        auth.login(user)
    urls = urls_taking_posts(app, world)
    assert len(urls) > 50, "the matrix's POST routes were not found"
    for url, (endpoint, expect) in sorted(one_url_per_view(urls, role).items()):
        if same_as_for_the_lead(role, expect):
            continue
        for data in GARBAGE:
            response = client.post(url, data=data)
            assert response.status_code < 500, f"POST {url} as {role} with {sorted(data)}"
            # Garbage must not have signed this client out or in as someone else.
            if endpoint == "auth.logout" and user is not None:
                auth.login(user)
            if refused_before_reading(response):
                break  # the view never reads what is posted: other garbage would meet the same refusal


@pytest.mark.parametrize(
    "path",
    [
        "/cohorts/99999999999999999999",
        "/cohorts/-1",
        "/accounts?role=%00&page=-5",
        "/accounts?page=99999999",
        "/join/%00",
        "/cohorts/new?program_id=%00",
    ],
)
def test_strange_urls_get_a_clear_answer(client, auth, world, path):
    auth.login(world.lead)
    assert client.get(path).status_code in (200, 302, 404)


QUERY_NUMBERS = ("cohort", "course", "program", "program_id", "page", "wave", "mentor", "learner")
# Too large for SQLite's INTEGER, and too large for PostgreSQL's integer.
NUMBERS = ("9" * 30, "99999999999")


def test_no_number_in_a_query_string_gets_a_server_error(client, auth, world):
    """Every page that reads ids or page numbers from its query string bounds them (core.web.id_arg, page_arg)."""
    auth.login(world.lead)
    pages = {endpoint: cases[0].url(world) for endpoint, cases in MATRIX.items() if cases[0].method == "GET"}
    for number in NUMBERS:
        query = "&".join(f"{name}={number}" for name in QUERY_NUMBERS)
        for url in pages.values():
            response = client.get(f"{url}{'&' if '?' in url else '?'}{query}")
            assert response.status_code < 500, f"GET {url} with {number}"
