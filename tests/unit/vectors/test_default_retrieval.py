"""With the default settings (multilingual model, hybrid ranking), search finds the right Polish document for
Polish and English questions phrased differently from the text, among near-topic distractors."""

from __future__ import annotations

from pathlib import Path

import pytest

from foodsave.adapters.local import LocalObjectStore
from foodsave.agents.documents import TOP_K
from foodsave.bootstrap import build_embedder
from foodsave.config import Settings
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.embed import E5SmallEmbedder
from foodsave.vectors.manifest import user_index_name
from foodsave.vectors.search import SearchService
from tests.unit.vectors.conftest import publisher_for

USER = "default-retrieval"
DOCUMENTS = [
    SourceDocument(
        "maslo-zamrazanie",
        "Masło w zamrażarce",
        "Kostkę masła w oryginalnym papierze można zamrozić na pół roku. Rozmrażaj ją powoli w lodówce.",
    ),
    SourceDocument(
        "maslo-zjelczale",
        "Zjełczałe masło",
        "Masło trzymane za długo w cieple żółknie na brzegach i ma gorzki, serowy zapach; takie wyrzuć.",
    ),
    SourceDocument(
        "salata-myta",
        "Umyta sałata",
        "Liście sałaty po umyciu osusz w wirówce i trzymaj w pojemniku z ręcznikiem papierowym do trzech dni.",
    ),
    SourceDocument(
        "salata-oklapnieta",
        "Przywiędła sałata",
        "Oklapnięte liście sałaty odzyskają jędrność po kwadransie w misce lodowatej wody.",
    ),
    SourceDocument(
        "mieso-marynata",
        "Marynowanie mięsa",
        "Mięso w marynacie trzymaj w lodówce, nie na blacie, a marynaty po surowym mięsie nie używaj jako sosu.",
    ),
    SourceDocument(
        "ketchup-po-otwarciu",
        "Otwarty ketchup",
        "Butelka ketchupu po otwarciu najlepiej znosi lodówkę i wytrzymuje w niej około sześciu tygodni.",
    ),
]
CASES = [
    ("na ile miesięcy mogę schować masło do zamrażarki", "maslo-zamrazanie"),
    ("masło dziwnie pachnie i ma żółte brzegi", "maslo-zjelczale"),
    ("how do I revive wilted lettuce leaves", "salata-oklapnieta"),
    ("can I reuse the marinade from raw chicken as a sauce", "mieso-marynata"),
    ("does ketchup need the fridge after opening", "ketchup-po-otwarciu"),
]


@pytest.fixture(scope="module")
def default_search(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    root: Path = tmp_path_factory.mktemp("default-retrieval")
    defaults = Settings.model_fields["embedder"].default
    embedder = build_embedder(defaults, Settings(data_dir=root))
    store = LocalObjectStore(root / "objects", "bucket")
    IndexBuilder(publisher_for(store), embedder).rebuild(user_index_name(USER), DOCUMENTS)
    return SearchService(store, embedder, root / "cache")


def test_the_default_search_runs_the_multilingual_model(default_search: SearchService) -> None:
    assert isinstance(default_search.embedder, E5SmallEmbedder)
    assert default_search.degraded == []


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_the_default_search_puts_the_answering_document_among_the_three_the_chat_cites(
    default_search: SearchService, query: str, expected: str
) -> None:
    hits = default_search.search(query, TOP_K, "documents", USER)
    assert expected in [hit.document_id for hit in hits]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_the_answering_hit_clears_the_relevance_floor(
    default_search: SearchService, query: str, expected: str
) -> None:
    top = default_search.search(query, TOP_K, "documents", USER)[0]
    assert top.document_id == expected and top.relevance >= default_search.relevance_floor


@pytest.mark.parametrize(
    "query",
    [
        "jak wymienić oponę w samochodzie",
        "jaka jest stolica Francji",
        "who won the football world cup in 2018",
        "how do I reset my wifi router",
    ],
)
def test_a_question_the_documents_do_not_answer_stays_below_the_relevance_floor(
    default_search: SearchService, query: str
) -> None:
    hits = default_search.search(query, TOP_K, "documents", USER)
    assert hits and all(hit.relevance < default_search.relevance_floor for hit in hits)
