"""Out-of-range days and numbers are refused at the edge with a 422 and the connection stays usable;
the spending service answers any pair of days with totals or InvalidInput, never an OverflowError."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foodsave.days import FIRST_DAY, LAST_DAY
from foodsave.errors import InvalidInput
from foodsave.shopping.spending import spending

OUT_OF_RANGE = [
    ("GET", "/v1/spending?start=9999-12-01&end=9999-12-31", None),
    ("GET", "/v1/spending?end=0001-01-05", None),
    ("GET", "/v1/spending?end=2000-01-05", None),
    ("POST", "/v1/meal-plans", {"days": 3, "start": "9999-12-30"}),
    ("POST", "/v1/meal-plans", {"days": 3, "start": "2100-12-30"}),
    ("GET", "/v1/pantry/stats?since=0001-01-01", None),
    ("GET", "/v1/pantry/items?expires_before=9999-12-31", None),
    ("POST", "/v1/pantry/items", {"name": "Mleko", "expires_at": "9999-12-31"}),
]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("method", "url", "body"), OUT_OF_RANGE)
def test_out_of_range_days_answer_422_and_the_connection_keeps_serving(live, method, url, body):
    with live.client() as c:
        refused = c.request(method, url, json=body)
        after = c.get("/v1/pantry/items")
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert after.status_code == 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=date.min, max_value=date.max),
    end=st.dates(min_value=date.min, max_value=date.max),
)
def test_spending_for_any_two_days_is_totals_or_invalid_input(services, start, end):
    with services.db.session() as session:
        try:
            result = spending(session, "nobody", start, end)
        except InvalidInput:
            assert not (FIRST_DAY <= start <= end <= LAST_DAY)
            return
    assert FIRST_DAY <= start <= end <= LAST_DAY
    assert (result.total, result.receipts) == (0, 0)


def _raw_exchange(live, request: bytes) -> bytes:  # type: ignore[no-untyped-def]
    import socket

    host, port = live.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        return sock.recv(65536)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_declared_200_mb_body_is_refused_before_any_of_it_is_read(live):
    head = _raw_exchange(
        live,
        b"POST /v1/pantry/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dev-anna\r\n"
        b"Content-Type: application/json\r\nContent-Length: 200000000\r\n\r\n",
    )
    assert head.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_streamed_body_is_stopped_at_the_limit(live):
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20))
    head = _raw_exchange(
        live,
        b"POST /v1/pantry/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dev-anna\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
    )
    assert head.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/v1/pantry/items", {"name": "Mle\u0000ko"}),
        ("POST", "/v1/shopping-list", {"name": "\u0000"}),
        ("GET", "/v1/spending?merchant=Lidl%00", None),
        ("POST", "/v1/pantry/items", {"name": "\u200b\u200b"}),
        ("POST", "/v1/shopping-list", {"name": "\ufeff"}),
        ("POST", "/v1/pantry/items", {"name": " \u202e\u2060 "}),
    ],
)
def test_nul_and_names_without_visible_characters_are_refused(live, method, url, body):
    with live.client() as c:
        refused = c.request(method, url, json=body)
        listed = c.get("/v1/pantry/items").json()["items"]
    assert refused.status_code == 422, refused.text
    assert listed == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_names_are_stored_without_invisible_characters(live):
    with live.client() as c:
        item = c.post("/v1/pantry/items", json={"name": "\ufeff Mleko\u200b  2% \t"}).json()
    assert (item["name"], item["normalized_name"]) == ("Mleko 2%", "mleko")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_user_data_is_neither_sniffed_nor_cached(live):
    with live.client() as c:
        resp = c.get("/v1/pantry/items")
    assert (resp.headers["x-content-type-options"], resp.headers["cache-control"]) == ("nosniff", "no-store")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_nul_in_a_body_sent_with_an_idempotency_key_is_refused_not_a_500(live):
    with live.client() as c:
        refused = c.post(
            "/v1/pantry/items", json={"name": "Mle\u0000ko"}, headers={"Idempotency-Key": "nul-body-1"}
        )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
