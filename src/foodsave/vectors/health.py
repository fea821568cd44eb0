"""The embedder part of `/v1/status`: which model is configured, whether this process had to fall back to
hashed n-grams, and whether the shared indexes were built by the configured model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foodsave.errors import FoodSaveError, Unavailable
from foodsave.vectors.embed import expected_embedder_name
from foodsave.vectors.query_cache import QUERY_VECTORS

if TYPE_CHECKING:
    from foodsave.services import Services


def embedder_status(services: Services) -> dict[str, Any]:
    """Raises Unavailable (shown as degraded) on a fallback embedder or an index built by another model."""
    from foodsave.vectors.corpus import CORPUS_NAMES
    from foodsave.vectors.publish import IndexPublisher

    configured = services.settings.embedder
    expected = expected_embedder_name(configured)
    info: dict[str, Any] = {"configured": configured, "model": expected}
    if services.lazy.embedder.built:  # this process searches: report the embedder it actually runs
        embedder = services.embedder
        info["active"] = embedder.name
        info["query_cache"] = QUERY_VECTORS.stats()
        reason = getattr(embedder, "degraded_reason", None)
        if reason:
            raise Unavailable(f"{reason}; searching with {embedder.name} instead")
    publisher = IndexPublisher(services.store, clock=services.clock)
    built: dict[str, str] = {}
    for name in CORPUS_NAMES:
        try:
            manifest = publisher.current_manifest(name)
        except FoodSaveError:
            continue  # a missing or broken index is the `index` part's to report
        if manifest is not None:
            built[name] = manifest.embedder
    info["indexes"] = built
    stale = sorted(name for name, embedder in built.items() if expected and embedder != expected)
    if stale:
        raise Unavailable(
            f"index {', '.join(stale)} was built with {built[stale[0]]}, not {expected}; "
            "the index-builder rebuilds it when it is next searched"
        )
    return info
