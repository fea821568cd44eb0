"""Fixtures of the vectors unit tests: a local object store, the hashing embedder, a publisher."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from foodsave.adapters.local import FrozenClock, LocalObjectStore
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.embed import HashingEmbedder
from foodsave.vectors.publish import IndexPublisher


@pytest.fixture
def store(tmp_path: Path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "objects", "test-bucket")


@pytest.fixture(scope="session")
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


# Published versions are dated by this instant.
PUBLISHED_AT = datetime(2030, 5, 4, 8, 0, tzinfo=UTC)


def publisher_for(store: Any, **options: Any) -> IndexPublisher:
    """A publisher whose manifests and claims are dated PUBLISHED_AT."""
    return IndexPublisher(store, clock=FrozenClock(PUBLISHED_AT), **options)


@pytest.fixture
def publisher(store: LocalObjectStore) -> IndexPublisher:
    return publisher_for(store)


@pytest.fixture
def builder(publisher: IndexPublisher, embedder: HashingEmbedder) -> IndexBuilder:
    return IndexBuilder(publisher, embedder)


@pytest.fixture
def knowledge_docs() -> list[SourceDocument]:
    return [
        SourceDocument(
            "mleko",
            "Mleko",
            "Otwarte mleko przechowuj w lodówce do trzech dni. Nie trzymaj go w drzwiach lodówki.",
            "knowledge",
        ),
        SourceDocument(
            "chleb",
            "Chleb",
            "Chleb można zamrozić nawet na trzy miesiące. Kromki rozmrażaj w tosterze.",
            "knowledge",
        ),
        SourceDocument(
            "jajka",
            "Jajka",
            "Jajka trzymaj w lodówce, czubkiem w dół. Surowe jajka zużyj w ciągu czterech tygodni.",
            "knowledge",
        ),
        SourceDocument(
            "pleśń",
            "Pleśń",
            "Spleśniały dżem wyrzuć w całości. Z twardego sera można odkroić spleśniały fragment.",
            "knowledge",
        ),
    ]


def unit_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)
