"""`Location` on 201, `ETag` on item reads and writes, and `If-Match` on PATCH and DELETE: a stale tag
answers 412 and changes nothing, for pantry items and shopping-list lines."""

from __future__ import annotations

import pytest

ITEM = {"name": "Jogurt naturalny", "quantity": "2", "unit": "szt"}
ROUTES = {"pantry": "/v1/pantry/items", "shopping": "/v1/shopping-list"}


def _create(client, auth, kind):
    resp = client.post(ROUTES[kind], json=ITEM, headers=auth())
    assert resp.status_code == 201, resp.text
    return resp


@pytest.mark.parametrize("kind", ROUTES)
def test_created_item_has_location_of_its_own_url(client, auth, kind):
    resp = _create(client, auth, kind)
    assert resp.headers["location"] == f"{ROUTES[kind]}/{resp.json()['id']}"
    assert client.get(resp.headers["location"], headers=auth()).json() == resp.json()


@pytest.mark.parametrize("kind", ROUTES)
def test_item_read_carries_the_etag_the_create_gave(client, auth, kind):
    created = _create(client, auth, kind)
    read = client.get(created.headers["location"], headers=auth())
    assert read.headers["etag"] == created.headers["etag"]


@pytest.mark.parametrize("kind", ROUTES)
def test_patch_with_the_current_etag_changes_the_item_and_its_etag(client, auth, kind):
    created = _create(client, auth, kind)
    url, tag = created.headers["location"], created.headers["etag"]
    patched = client.patch(url, json={"quantity": "3"}, headers={**auth(), "If-Match": tag})
    assert patched.status_code == 200
    assert patched.json()["quantity"] == "3"
    assert patched.headers["etag"] != tag


@pytest.mark.parametrize("kind", ROUTES)
def test_patch_with_a_stale_etag_is_412_and_changes_nothing(client, auth, kind):
    created = _create(client, auth, kind)
    url, tag = created.headers["location"], created.headers["etag"]
    client.patch(url, json={"quantity": "3"}, headers=auth())  # the other phone
    stale = client.patch(url, json={"quantity": "5"}, headers={**auth(), "If-Match": tag})
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:foodsave:problem:PreconditionFailed"
    assert client.get(url, headers=auth()).json()["quantity"] == "3"


@pytest.mark.parametrize("kind", ROUTES)
def test_delete_with_a_stale_etag_is_412_and_keeps_the_item(client, auth, kind):
    created = _create(client, auth, kind)
    url, tag = created.headers["location"], created.headers["etag"]
    client.patch(url, json={"quantity": "3"}, headers=auth())
    assert client.delete(url, headers={**auth(), "If-Match": tag}).status_code == 412
    assert client.get(url, headers=auth()).status_code == 200


@pytest.mark.parametrize("kind", ROUTES)
def test_delete_with_the_current_etag_removes_the_item(client, auth, kind):
    created = _create(client, auth, kind)
    url = created.headers["location"]
    tag = client.get(url, headers=auth()).headers["etag"]
    assert client.delete(url, headers={**auth(), "If-Match": tag}).status_code == 204
    assert client.get(url, headers=auth()).status_code == 404


def test_if_match_star_matches_any_existing_item(client, auth):
    url = _create(client, auth, "pantry").headers["location"]
    assert client.patch(url, json={"quantity": "1"}, headers={**auth(), "If-Match": "*"}).status_code == 200


def test_if_match_on_another_users_item_is_still_404(client, auth):
    created = _create(client, auth, "pantry")
    resp = client.patch(
        created.headers["location"], json={"quantity": "1"}, headers={**auth("bob"), "If-Match": "*"}
    )
    assert resp.status_code == 404


@pytest.mark.parametrize("kind", ROUTES)
def test_stale_etag_problem_carries_the_item_as_it_is_now_and_its_etag(client, auth, kind):
    created = _create(client, auth, kind)
    url, tag = created.headers["location"], created.headers["etag"]
    client.patch(url, json={"quantity": "3"}, headers=auth())
    now = client.get(url, headers=auth())
    stale = client.patch(url, json={"quantity": "5"}, headers={**auth(), "If-Match": tag})
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert (stale.json()["current"], stale.json()["etag"]) == (now.json(), now.headers["etag"])
