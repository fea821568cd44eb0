"""Amazon Bedrock Titan Text Embeddings v2 as an Embedder (bedrock-runtime InvokeModel, one text per call)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from botocore.exceptions import BotoCoreError, ClientError

from foodsave.errors import InvalidInput, Unavailable
from foodsave.vectors.embed import l2_normalise

if TYPE_CHECKING:
    from numpy.typing import NDArray

TITAN_V2 = "amazon.titan-embed-text-v2:0"
TITAN_DIMENSIONS = (256, 512, 1024)
# Titan v2 accepts up to 8k tokens (~50k characters); longer inputs are cut rather than rejected.
MAX_INPUT_CHARS = 40_000


class BedrockTitanEmbedder:
    """Embeds through `bedrock-runtime.invoke_model`; vectors come back normalised by Titan and again here."""

    def __init__(self, runtime_client: Any, model_id: str = TITAN_V2, dim: int = 512) -> None:
        if dim not in TITAN_DIMENSIONS:
            raise InvalidInput(f"Titan v2 supports dimensions {TITAN_DIMENSIONS}, not {dim}")
        self._client = runtime_client
        self.model_id = model_id
        self.dim = dim
        self.name = f"bedrock:{model_id}:d{dim}"
        self.version = model_id

    def _embed_one(self, text: str) -> list[float]:
        body = json.dumps(
            {"inputText": text[:MAX_INPUT_CHARS] or " ", "dimensions": self.dim, "normalize": True}
        )
        try:
            response = self._client.invoke_model(
                modelId=self.model_id, body=body, contentType="application/json", accept="application/json"
            )
            payload = json.loads(response["body"].read())
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ValidationException":
                raise InvalidInput(f"Bedrock rejected the text: {exc}") from exc
            raise Unavailable(f"Bedrock embedding failed ({code}): {exc}") from exc
        except (BotoCoreError, ValueError) as exc:
            raise Unavailable(f"Bedrock embedding failed: {exc}") from exc
        embedding = payload.get("embedding")
        if not isinstance(embedding, list) or len(embedding) != self.dim:
            got = len(embedding) if isinstance(embedding, list) else "none"
            raise Unavailable(f"Bedrock returned an embedding of size {got}, expected {self.dim}")
        return embedding

    def embed_documents(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalise(np.asarray([self._embed_one(t) for t in texts], dtype=np.float32))

    def embed_query(self, text: str) -> NDArray[np.float32]:
        return self.embed_documents([text])[0]
