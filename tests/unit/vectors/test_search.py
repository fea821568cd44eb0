"""SearchService: validation, scopes, per-user isolation, hits with snippet and source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from foodsave.adapters.local import LocalObjectStore, SystemClock
from foodsave.errors import InvalidInput, Unavailable
from foodsave.vectors import search as search_module
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.embed import E5_NAME, HashingEmbedder
from foodsave.vectors.fusion import Ranking, fuse
from foodsave.vectors.manifest import user_index_name
from foodsave.vectors.publish import IndexPublisher
from foodsave.vectors.query_cache import QueryVectorCache
from foodsave.vectors.search import COVERAGE_WEIGHT, RELEVANCE_FLOOR, RelevanceFloor, SearchService


@pytest.fixture
def service(store: LocalObjectStore, embedder: HashingEmbedder, tmp_path: Path) -> SearchService:
    return SearchService(store, embedder, tmp_path / "cache", refresh_seconds=0)


@pytest.mark.parametrize(
    ("query", "k", "scope", "code"),
    [
        ("", 5, "knowledge", "EmptyQuery"),
        ("   ", 5, "knowledge", "EmptyQuery"),
        ("x" * 2001, 5, "knowledge", "QueryTooLong"),
        ("mleko", 0, "knowledge", "InvalidK"),
        ("mleko", 51, "knowledge", "InvalidK"),
        ("mleko", 10_000, "knowledge", "InvalidK"),
        ("mleko", 5, "web", "UnknownScope"),
    ],
)
def test_bad_requests_are_invalid_input(
    service: SearchService, query: str, k: int, scope: str, code: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        service.search(query, k, scope, "u1")
    assert info.value.code == code


def test_hits_carry_score_snippet_source_and_chunk(
    service: SearchService, builder: IndexBuilder, knowledge_docs: list[SourceDocument]
) -> None:
    builder.rebuild("knowledge", knowledge_docs)
    hits = service.search("Jak przechowywać jajka?", 2, "knowledge")
    assert hits[0].document_id == "jajka" and hits[0].source == "knowledge" and hits[0].chunk == 0
    assert hits[0].snippet.startswith("Jajka trzymaj") and hits[0].score > hits[1].score


def test_an_unpublished_shared_corpus_is_unavailable(service: SearchService) -> None:
    with pytest.raises(Unavailable):
        service.search("pierogi", 5, "recipes")


def test_a_user_without_documents_gets_no_hits(service: SearchService) -> None:
    assert service.search("pierogi", 5, "documents", "u1") == []


def test_a_users_documents_are_invisible_to_another_user(
    service: SearchService, builder: IndexBuilder
) -> None:
    builder.add_document(
        user_index_name("alice"),
        SourceDocument("d1", "Przepis babci", "Pierogi z kapustą i grzybami na wigilię."),
    )
    assert service.search("pierogi z kapustą", 5, "documents", "alice")[0].document_id == "d1"
    assert service.search("pierogi z kapustą", 5, "documents", "bob") == []


def _many_documents(builder: IndexBuilder, count: int) -> None:
    for i in range(count):
        builder.add_document(
            user_index_name("alice"),
            SourceDocument(f"d{i}", f"Notatka {i}", f"Pierogi z kapustą, przepis {i}."),
        )


def _search_without(service: SearchService, query: str, dropped: set[str]) -> list[Any]:
    """Alice's 3 best document hits for `query`, with the documents `dropped` filtered out after ranking."""
    return service.search(
        query, 3, "documents", "alice", keep=lambda found: [h for h in found if h.document_id not in dropped]
    )


def test_a_filter_after_ranking_still_yields_k_hits_when_it_drops_the_best(
    service: SearchService, builder: IndexBuilder
) -> None:
    _many_documents(builder, 12)
    best = [h.document_id for h in service.search("pierogi z kapustą", 12, "documents", "alice")]
    dropped = set(best[:8])
    hits = _search_without(service, "pierogi z kapustą", dropped)
    assert [h.document_id for h in hits] == best[8:11]


def test_a_filter_that_keeps_too_little_returns_what_the_whole_index_has(
    service: SearchService, builder: IndexBuilder
) -> None:
    _many_documents(builder, 5)
    hits = service.search(
        "pierogi z kapustą",
        3,
        "documents",
        "alice",
        keep=lambda found: [h for h in found if h.document_id == "d2"],
    )
    assert [h.document_id for h in hits] == ["d2"]


class E5Named(HashingEmbedder):
    """The n-gram embedder under the multilingual model's name, so that search applies that model's settings."""

    def __init__(self) -> None:
        super().__init__()
        self.name = E5_NAME


def test_a_polish_hits_relevance_is_its_cosine_plus_its_share_of_lexical_coverage(
    store: LocalObjectStore, knowledge_docs: list[SourceDocument], tmp_path: Path
) -> None:
    embedder = E5Named()
    IndexBuilder(IndexPublisher(store, clock=SystemClock()), embedder).rebuild("knowledge", knowledge_docs)
    service = SearchService(store, embedder, tmp_path / "e5", refresh_seconds=0)
    query = "jak przechowywać jajka"
    hits = service.search(query, 5, "knowledge")
    loaded = service.reader("knowledge", None).current()
    ids = {(r.document_id, r.position): r.id for r in loaded.meta.all()}
    coverage = loaded.lexical().coverage(query, list(ids.values()))
    expected = [h.score + COVERAGE_WEIGHT * coverage[ids[h.document_id, h.chunk]] for h in hits]
    assert [h.relevance for h in hits] == pytest.approx(expected)


def _varied_documents(builder: IndexBuilder, count: int) -> None:
    foods = "pierogi kapusta grzyby barszcz bigos schabowy rosół żurek placki kluski".split()
    for i in range(count):
        words = " ".join(foods[(i * j) % len(foods)] for j in range(1, 2 + i % 5))
        builder.add_document(
            user_index_name("alice"), SourceDocument(f"v{i}", f"Notatka {i}", f"{words}, przepis numer {i}.")
        )


def test_a_filter_that_keeps_everything_returns_the_plain_search_in_its_order(
    service: SearchService, builder: IndexBuilder
) -> None:
    _varied_documents(builder, 90)
    query = "rosół z kluskami"
    plain = [(h.document_id, h.chunk) for h in service.search(query, 40, "documents", "alice")]
    kept = service.search(query, 40, "documents", "alice", keep=lambda found: found)
    assert [(h.document_id, h.chunk) for h in kept] == plain


def test_a_filter_after_ranking_reads_further_down_one_ranking(
    service: SearchService, builder: IndexBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _varied_documents(builder, 30)
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Ranking:
        calls.append(1)
        return fuse(*args, **kwargs)

    monkeypatch.setattr(search_module, "fuse", counted)
    plain = [h.document_id for h in service.search("pierogi", 12, "documents", "alice")]
    calls.clear()
    dropped = set(plain[:6])
    hits = _search_without(service, "pierogi", dropped)
    assert [h.document_id for h in hits] == plain[6:9] and len(calls) == 1


def test_searching_documents_needs_a_user(service: SearchService) -> None:
    with pytest.raises(InvalidInput):
        service.search("pierogi", 5, "documents", None)


def test_character_ngrams_join_an_inflected_polish_form_to_its_chunk(
    service: SearchService, builder: IndexBuilder
) -> None:
    builder.add_document(
        user_index_name("alice"), SourceDocument("t", "Pomidory", "Pomidory trzymaj na blacie.")
    )
    builder.add_document(user_index_name("alice"), SourceDocument("r", "Ryż", "Suchy ryż trzymaj w słoiku."))
    loaded = service.reader("documents", "alice").current()
    ids = [record.id for record in loaded.meta.all()]
    by_document = {loaded.meta.get_many([i])[i].document_id: i for i in ids}
    similarity = loaded.ngram_similarity("sałatka z pomidorów", ids)
    assert similarity[by_document["t"]] > similarity[by_document["r"]]


def test_an_english_question_finds_polish_text_through_its_polish_gloss(
    store: LocalObjectStore, builder: IndexBuilder, tmp_path: Path
) -> None:
    from foodsave.vectors.search import Fusion

    builder.add_document(
        user_index_name("alice"), SourceDocument("m", "Masło", "Masło można zamrozić na pół roku.")
    )
    builder.add_document(user_index_name("alice"), SourceDocument("c", "Chleb", "Chleb trzymaj w chlebaku."))
    dense_only = Fusion("sum", 0.0, 0.0, translate=True)
    service = SearchService(store, HashingEmbedder(), tmp_path / "c2", refresh_seconds=0, fusion=dense_only)
    assert service.search("can I freeze butter", 1, "documents", "alice")[0].document_id == "m"


def test_an_english_questions_relevance_is_shifted_by_the_gap_between_the_language_floors(
    service: SearchService, builder: IndexBuilder, knowledge_docs: list[SourceDocument]
) -> None:
    builder.rebuild("knowledge", knowledge_docs)
    floor = RELEVANCE_FLOOR[service.embedder.name]
    english, polish = "how should I store eggs", "jak przechowywać jajka"
    hit = service.search(english, 1, "knowledge")[0]
    assert service.relevance_shift(english) == pytest.approx(floor.polish - floor.english) != 0.0
    assert service.relevance_shift(polish) == 0.0
    assert hit.relevance - hit.score >= floor.polish - floor.english


def test_an_english_question_clears_the_floor_when_it_clears_the_english_floor() -> None:
    floor = RelevanceFloor(polish=0.86, english=0.80)
    assert 0.81 + floor.english_shift >= floor.polish
    assert 0.79 + floor.english_shift < floor.polish


class RecordingEmbedder(HashingEmbedder):
    """The n-gram embedder, remembering every question it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.questions: list[str] = []

    def embed_query(self, text: str) -> np.ndarray:
        self.questions.append(text)
        return super().embed_query(text)


@pytest.fixture
def recording_service(
    store: LocalObjectStore, builder: IndexBuilder, tmp_path: Path
) -> tuple[SearchService, RecordingEmbedder]:
    builder.add_document(
        user_index_name("alice"), SourceDocument("d", "Drożdże", "Drożdże można zamrozić w porcjach.")
    )
    embedder = RecordingEmbedder()
    service = SearchService(
        store, embedder, tmp_path / "c3", refresh_seconds=0, query_vectors=QueryVectorCache()
    )  # a cache of its own: the process's one may hold these questions from another test
    return service, embedder


def test_a_polish_question_typed_without_polish_letters_is_also_embedded_as_the_index_spells_it(
    recording_service: tuple[SearchService, RecordingEmbedder],
) -> None:
    service, embedder = recording_service
    service.search("czy mozna zamrozic drozdze", 1, "documents", "alice")
    assert embedder.questions == ["czy mozna zamrozic drozdze", "czy można zamrozić drożdże"]


def test_a_question_written_with_polish_letters_is_embedded_once(
    recording_service: tuple[SearchService, RecordingEmbedder],
) -> None:
    service, embedder = recording_service
    service.search("czy można zamrozić drożdże", 1, "documents", "alice")
    assert embedder.questions == ["czy można zamrozić drożdże"]
