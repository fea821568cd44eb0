"""Hashing embedder: unit vectors, deterministic, Polish inflections and diacritics meet."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsave.bootstrap import build_embedder
from foodsave.errors import InvalidInput
from foodsave.vectors.embed import Embedder, HashingEmbedder, fold, stem


def cos(embedder: HashingEmbedder, a: str, b: str) -> float:
    va, vb = embedder.embed_documents([a, b])
    return float(va @ vb)


def test_hashing_embedder_satisfies_the_embedder_protocol(embedder: HashingEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.dim == 512 and "512" in embedder.name


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=200), min_size=1, max_size=5))
def test_rows_are_float32_and_unit_length_or_zero(embedder: HashingEmbedder, texts: list[str]) -> None:
    matrix = embedder.embed_documents(texts)
    assert matrix.dtype == np.float32 and matrix.shape == (len(texts), embedder.dim)
    norms = np.linalg.norm(matrix, axis=1)
    assert np.all((np.abs(norms - 1) < 1e-5) | (norms == 0))


@pytest.mark.parametrize(
    "forms",
    [
        ("mleko", "mleka", "mlekiem", "mleku"),
        ("ziemniaki", "ziemniaków", "ziemniakami"),
        ("pomidor", "pomidory", "pomidorów"),
        ("jajko", "jajka", "jajkiem"),
    ],
)
def test_inflected_forms_of_a_word_embed_alike(embedder: HashingEmbedder, forms: tuple[str, ...]) -> None:
    base = forms[0]
    for other in forms[1:]:
        assert cos(embedder, base, other) > 0.8, other
    assert cos(embedder, base, "chleb") < 0.3


def test_diacritics_do_not_matter(embedder: HashingEmbedder) -> None:
    assert fold("Żółć łąka") == "zolc laka"
    assert cos(embedder, "mąka pszenna", "maka pszenna") == pytest.approx(1.0, abs=1e-6)


def test_a_sentence_is_closer_to_its_inflected_paraphrase_than_to_another_topic(
    embedder: HashingEmbedder,
) -> None:
    doc = "Otwarte mleko przechowuj w lodówce do trzech dni."
    assert cos(embedder, "jak długo trzymać otwarte mleko", doc) > cos(
        embedder, "jak długo trzymać chleb", doc
    )


def test_query_and_document_embeddings_agree(embedder: HashingEmbedder) -> None:
    assert np.allclose(embedder.embed_query("ser żółty"), embedder.embed_documents(["ser żółty"])[0])


def test_embeddings_are_identical_across_processes(embedder: HashingEmbedder) -> None:
    code = "from foodsave.vectors.embed import HashingEmbedder; print(HashingEmbedder().embed_query('pierogi ruskie').tobytes().hex())"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert other == embedder.embed_query("pierogi ruskie").tobytes().hex()


def test_stemming_keeps_at_least_three_letters() -> None:
    assert stem("sos") == "sos"
    assert stem("mlekiem") == "mlek"


def test_build_embedder_rejects_unknown_names() -> None:
    with pytest.raises(InvalidInput):
        build_embedder("word2vec")


def test_build_embedder_names_the_hashing_embedder() -> None:
    assert isinstance(build_embedder("hashing"), HashingEmbedder)
