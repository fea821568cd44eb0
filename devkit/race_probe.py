"""Adversarial races against a real `foodsave serve` on 127.0.0.1: two phones of one household doing
conflicting things at the same moment (households: invite, join, leave, remove, hand over; documents shared
with the household; receipt confirmation with `If-Match`; shopping-list check-off). Each scenario fires its
requests together from separate threads and connections, then checks that no update was lost, no effect
happened twice and nothing answered 500; it prints one JSON line per scenario and exits 1 on a failure.

    .venv/bin/python -m devkit.race_probe [--postgres] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

Call = Callable[[], httpx.Response]


@contextmanager
def served(database_url: str | None) -> Iterator[str]:
    """`foodsave serve` on a free port of 127.0.0.1 in a temp data folder; yields its base URL."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="foodsave-race-") as tmp:
        # Hashed n-grams index the bundled corpora in seconds; the races do not depend on the embedder.
        env = {**os.environ, "FOODSAVE_DATA_DIR": tmp, "FOODSAVE_EMBEDDER": "hashing"}
        if database_url:
            env["FOODSAVE_DATABASE_URL"] = database_url
        code = f"import sys; from foodsave.cli import main; sys.exit(main(['serve', '--port', '{port}']))"
        log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log, stderr=log)  # noqa: S603
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300  # a fresh data folder indexes the bundled corpora first
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        tail = (Path(tmp) / "serve.log").read_text(errors="replace")[-2000:]
                        raise RuntimeError(f"foodsave serve did not start: {tail}") from None
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()


class Phones:
    """One HTTP client per user, each call on a fresh connection when raced."""

    def __init__(self, base: str, run: str) -> None:
        self.base, self.run = base, run

    def client(self, user: str) -> httpx.Client:
        token = f"Bearer dev-{self.run}-{user}"
        return httpx.Client(base_url=self.base, headers={"Authorization": token}, timeout=60)

    def call(self, user: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        with self.client(user) as c:
            return c.request(method, path, **kwargs)

    def race(self, calls: list[tuple[str, str, str, dict[str, Any]]]) -> list[httpx.Response]:
        """All calls released at once, each from its own thread and connection."""
        barrier = threading.Barrier(len(calls))
        answers: list[httpx.Response | None] = [None] * len(calls)

        def one(i: int) -> None:
            user, method, path, kwargs = calls[i]
            with self.client(user) as c:
                barrier.wait(timeout=30)
                answers[i] = c.request(method, path, **kwargs)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(calls))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        return [a for a in answers if a is not None]

    def household(self, user: str) -> dict[str, Any]:
        return dict(self.call(user, "GET", "/v1/household").json())

    def join(self, owner: str, *members: str) -> None:
        for member in members:
            code = self.call(owner, "POST", "/v1/household/invites").json()["code"]
            joined = self.call(member, "POST", "/v1/household/accept", json={"code": code})
            assert joined.status_code == 200, joined.text

    def user_id(self, user: str) -> str:
        return str(self.call(user, "GET", "/v1/me").json()["id"])


def _result(name: str, answers: list[httpx.Response], problems: list[str]) -> dict[str, Any]:
    codes = [a.status_code for a in answers]
    if any(c >= 500 for c in codes):
        problems.append(f"5xx: {[a.text[:200] for a in answers if a.status_code >= 500]}")
    return {"scenario": name, "statuses": codes, "ok": not problems, "problems": problems}


def handover_to_two_members(p: Phones) -> dict[str, Any]:
    p.join("anna", "ben", "carl")
    ben, carl = p.user_id("ben"), p.user_id("carl")
    answers = p.race(
        [("anna", "POST", "/v1/household/transfer", {"json": {"user_id": u}}) for u in (ben, carl)]
    )
    owners = [m for m in p.household("anna")["members"] if m["role"] == "owner"]
    problems = [] if len(owners) == 1 else [f"{len(owners)} owners after two hand-overs at once"]
    if sorted(a.status_code for a in answers)[0] != 200:
        problems.append("no hand-over succeeded")
    return _result("handover_to_two_members", answers, problems)


def join_with_two_invites_at_once(p: Phones) -> dict[str, Any]:
    """Two invites into one household tapped at once: one join; a second join of a household one already
    belongs to is refused in any order."""
    item = p.call("ben", "POST", "/v1/pantry/items", json={"name": "Ser żółty", "quantity": "1"}).json()
    codes = [p.call("anna", "POST", "/v1/household/invites").json()["code"] for _ in range(2)]
    answers = p.race([("ben", "POST", "/v1/household/accept", {"json": {"code": c}}) for c in codes])
    problems = []
    if sorted(a.status_code for a in answers) != [200, 409]:
        problems.append("two invites of one household: not one join and one refusal")
    mine = {i["id"] for i in p.call("ben", "GET", "/v1/pantry/items").json()["items"]}
    if item["id"] not in mine:
        problems.append("ben's pantry item did not come along")
    if len(p.household("anna")["members"]) != 2:
        problems.append("anna's household does not hold anna and ben")
    return _result("join_with_two_invites_at_once", answers, problems)


def remove_while_leaving(p: Phones) -> dict[str, Any]:
    p.join("anna", "ben")
    ben = p.user_id("ben")
    answers = p.race(
        [("anna", "DELETE", f"/v1/household/members/{ben}", {}), ("ben", "POST", "/v1/household/leave", {})]
    )
    problems = []
    if [m["user_id"] for m in p.household("anna")["members"]] != [p.user_id("anna")]:
        problems.append("anna's household still lists ben")
    mine = p.household("ben")
    if mine["role"] != "owner" or len(mine["members"]) != 1:
        problems.append(f"ben is not alone in a household of his own: {mine}")
    return _result("remove_while_leaving", answers, problems)


def join_while_the_household_is_deleted(p: Phones) -> dict[str, Any]:
    code = p.call("anna", "POST", "/v1/household/invites").json()["code"]
    home = p.household("anna")["id"]
    answers = p.race(
        [
            ("carl", "POST", "/v1/household/accept", {"json": {"code": code}}),
            ("anna", "DELETE", "/v1/household", {"params": {"confirm": home}}),
        ]
    )
    problems = []
    for user in ("anna", "carl"):
        resp = p.call(user, "GET", "/v1/household")
        if resp.status_code != 200:
            problems.append(f"{user} has no readable household: {resp.status_code}")
    if p.household("carl")["id"] == home:
        problems.append("carl joined a deleted household")
    return _result("join_while_the_household_is_deleted", answers, problems)


def reopen_a_line_while_adding_it(p: Phones) -> dict[str, Any]:
    p.join("anna", "ben")
    line = p.call("anna", "POST", "/v1/shopping-list", json={"name": "mleko"}).json()
    p.call("anna", "PATCH", f"/v1/shopping-list/{line['id']}", json={"done": True})
    answers = p.race(
        [
            ("ben", "PATCH", f"/v1/shopping-list/{line['id']}", {"json": {"done": False}}),
            ("anna", "POST", "/v1/shopping-list", {"json": {"name": "Mleko", "quantity": 2}}),
        ]
    )
    listed = p.call("anna", "GET", "/v1/shopping-list", params={"limit": 100}).json()["items"]
    open_lines = [i for i in listed if not i["done"] and i["name"].lower() == "mleko"]
    problems = [] if len(open_lines) == 1 else [f"{len(open_lines)} open mleko lines"]
    return _result("reopen_a_line_while_adding_it", answers, problems)


def check_off_with_one_etag(p: Phones) -> dict[str, Any]:
    p.join("anna", "ben")
    line = p.call("anna", "POST", "/v1/shopping-list", json={"name": "chleb"})
    etag = line.headers["etag"]
    url = f"/v1/shopping-list/{line.json()['id']}"
    answers = p.race(
        [
            ("anna", "PATCH", url, {"json": {"done": True}, "headers": {"If-Match": etag}}),
            ("ben", "PATCH", url, {"json": {"quantity": 4}, "headers": {"If-Match": etag}}),
            ("ben", "POST", "/v1/shopping-list/clear-done", {}),
        ]
    )
    problems = []
    patched = sorted(a.status_code for a in answers[:2])
    if patched not in ([200, 412], [200, 404]):
        problems.append(f"two writers with one ETag answered {patched}")
    return _result("check_off_with_one_etag", answers, problems)


def confirm_with_one_etag(p: Phones, photo: bytes) -> dict[str, Any]:
    p.join("anna", "ben")
    receipt = p.call("anna", "POST", "/v1/receipts", files={"file": ("r.jpg", photo, "image/jpeg")}).json()
    url = f"/v1/receipts/{receipt['receipt']['id']}"
    deadline = time.monotonic() + 120
    while (got := p.call("anna", "GET", url)).json()["status"] not in ("parsed", "needs_review", "failed"):
        if time.monotonic() > deadline:
            return _result("confirm_with_one_etag", [], ["the receipt was not read in 120 s"])
        time.sleep(0.5)
    etag, lines = got.headers["etag"], got.json()["lines"]
    body = {"json": {"accept_warnings": True}, "headers": {"If-Match": etag}}
    line_patch = {"json": {"name": "mleko UHT"}, "headers": {"If-Match": etag}}
    answers = p.race(
        [("anna", "POST", f"{url}/confirm", body), ("ben", "POST", f"{url}/confirm", body)]
        + ([("ben", "PATCH", f"{url}/lines/{lines[0]['id']}", line_patch)] if lines else [])
    )
    problems = []
    if sorted(a.status_code for a in answers).count(200) != 1 or any(
        a.status_code != 200 and a.status_code != 412 for a in answers
    ):
        problems.append("writers with one ETag: not exactly one 200 and the others 412")
    confirmed = [a for a in answers[:2] if a.status_code == 200]
    items = p.call("ben", "GET", "/v1/pantry/items", params={"limit": 100}).json()["items"]
    line_ids = {line["id"] for line in lines}
    from_receipt = [i for i in items if i.get("receipt_line_id") in line_ids]
    expected = len(confirmed[0].json()["pantry_items"]) if confirmed else 0
    if len(from_receipt) != expected:
        problems.append(f"{len(from_receipt)} pantry items from the receipt, {expected} confirmed")
    return _result("confirm_with_one_etag", answers, problems)


def delete_a_shared_document_twice(p: Phones) -> dict[str, Any]:
    p.join("anna", "ben")
    text = b"Przechowywanie: mleko w lodowce, chleb w chlebaku.\n" * 20
    doc = p.call(
        "anna", "POST", "/v1/documents", files={"file": ("n.txt", text, "text/plain")},
        data={"title": "notatka", "share": "household"},
    ).json()["document"]  # fmt: skip
    url = f"/v1/documents/{doc['id']}"
    answers = p.race(
        [("anna", "DELETE", url, {}), ("ben", "DELETE", url, {}), ("ben", "POST", "/v1/household/leave", {})]
    )
    problems = []
    deleted = sorted(a.status_code for a in answers[:2])
    if deleted != [202, 404]:
        problems.append(f"two deletes of one shared document answered {deleted}")
    if p.call("anna", "GET", url).status_code != 404:
        problems.append("the deleted document is still readable")
    return _result("delete_a_shared_document_twice", answers, problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres", action="store_true", help="a throwaway PostgreSQL cluster (tests/pg.py)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    import random

    from devkit import receiptgen as synth

    image = synth.render_receipt(
        synth.generate_receipt(random.Random(3)),
        synth.RenderOptions(font_path=synth.installed_fonts()[0], font_size=24),
    )
    photo = synth.encode(image, "jpeg", 90)
    cluster = url = None
    if args.postgres:
        from sqlalchemy import create_engine, text

        from tests.pg import start_cluster

        cluster = start_cluster()
        engine = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE foodsave_race"))
        engine.dispose()
        url = cluster.url("foodsave_race")
    scenarios: list[Callable[[Phones], dict[str, Any]]] = [
        handover_to_two_members, join_with_two_invites_at_once, remove_while_leaving,
        join_while_the_household_is_deleted, reopen_a_line_while_adding_it, check_off_with_one_etag,
        lambda p: confirm_with_one_etag(p, photo), delete_a_shared_document_twice,
    ]  # fmt: skip
    failed = 0
    try:
        with served(url) as base:
            for round_ in range(args.rounds):
                for n, scenario in enumerate(scenarios):
                    outcome = scenario(Phones(base, f"r{round_}s{n}"))
                    outcome["round"] = round_
                    failed += not outcome["ok"]
                    print(json.dumps(outcome, ensure_ascii=False), flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
