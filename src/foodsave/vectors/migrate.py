"""Every published index brought up to date in one pass, through the index-builder queue: an index built by
another embedder than the current one is rebuilt, and a household's index still published under the legacy
user-style name is rebuilt under its own (`household-{id}`; the builder then drops the legacy copy). Readers
do the same for an index they touch; this reaches the indexes nobody reads (`foodsave index migrate`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foodsave.errors import FoodSaveError
from foodsave.vectors.manifest import POINTER_FILE, Manifest, household_index_name
from foodsave.vectors.publish import IndexPublisher

if TYPE_CHECKING:
    from foodsave.ports import Clock, ObjectStore, Queue
    from foodsave.vectors.embed import Embedder

PREFIX = "indexes"


@dataclass
class Migration:
    """What one pass found: the rebuilds it queued (index names), the indexes it could not read, and stale ones
    the index-builder cannot rebuild (built by hand with `foodsave index build`: no stored sources)."""

    rebuilds: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def published_names(store: ObjectStore) -> list[str]:
    """The names of the indexes that have a latest pointer."""
    names = set()
    for key in store.list(f"{PREFIX}/"):
        parts = key.split("/")
        if len(parts) == 3 and parts[2] == POINTER_FILE:
            names.add(parts[1])
    return sorted(names)


def plan(
    store: ObjectStore, clock: Clock, embedder: Embedder, is_household: Callable[[str], bool]
) -> Migration:
    """The rebuilds that bring every published index to `embedder` and to its own name."""
    publisher = IndexPublisher(store, prefix=PREFIX, clock=clock)
    found = Migration()
    for name in published_names(store):
        owner = name.removeprefix("user-")
        if name.startswith("user-") and is_household(owner):
            found.rebuilds.append(household_index_name(owner))
            continue
        try:
            manifest: Manifest | None = publisher.current_manifest(name)
        except (FoodSaveError, ValueError, KeyError) as exc:
            found.unreadable.append(f"{name}: {exc}")
            continue
        if manifest is not None and not manifest.built_with(embedder):
            (found.rebuilds if rebuildable(name) else found.skipped).append(name)
    found.rebuilds = sorted(set(found.rebuilds))
    return found


def rebuildable(name: str) -> bool:
    """Whether the index-builder knows how to rebuild `name` (a corpus, a user's or a household's index)."""
    from foodsave.vectors.jobs import PoisonMessage, parse_job, rebuild_job

    try:
        parse_job(json.dumps(rebuild_job(name)))
    except PoisonMessage:
        return False
    return True


def queue_rebuilds(queue: Queue, migration: Migration) -> None:
    from foodsave.vectors.jobs import rebuild_job

    for name in migration.rebuilds:
        queue.send(rebuild_job(name))
