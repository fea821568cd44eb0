"""At start, receipts a killed process left behind are handed to OCR again; uploads still to come are not."""

from __future__ import annotations

from foodsave.db.models import Receipt, User
from foodsave.households.membership import household_of
from foodsave.receipts.recovery import release_stranded

JPEG = b"\xff\xd8\xff photo"


def _receipts(services, *specs: tuple[str, str, bool]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    ids = {}
    with services.db.session() as s:
        user = User(external_sub="dev:stranded")
        s.add(user)
        s.flush()
        home = household_of(s, user.id)
        for n, (label, status, uploaded) in enumerate(specs):
            receipt_id = f"00000000-0000-0000-0000-00000000000{n}"
            key = f"uploads/receipts/{user.id}/{receipt_id}.jpg"
            s.add(Receipt(id=receipt_id, user_id=user.id, household_id=home, object_key=key, status=status))
            if uploaded:
                services.store.put(key, JPEG, "image/jpeg")
            ids[label] = receipt_id
    return ids


def test_claims_and_unread_uploads_are_released_and_slots_still_open_are_left(services):
    ids = _receipts(
        services,
        ("unread", "pending", True),
        ("claimed", "processing", True),
        ("claimed_gone", "processing", False),
        ("slot_open", "pending", False),
        ("parsed", "parsed", True),
    )

    stranded = release_stranded(services.db, services.store)

    assert sorted(s.receipt_id for s in stranded) == sorted(
        [ids["unread"], ids["claimed"], ids["claimed_gone"]]
    )
    assert {s.receipt_id: s.info is None for s in stranded}[ids["claimed_gone"]] is True
    with services.db.session() as s:
        statuses = {label: s.get(Receipt, rid).status for label, rid in ids.items()}
    assert statuses == {"unread": "pending", "claimed": "pending", "claimed_gone": "pending",
                        "slot_open": "pending", "parsed": "parsed"}  # fmt: skip
