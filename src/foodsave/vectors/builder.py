"""IndexBuilder: chunk, embed and (re)build an index in memory, then publish it as a new version.

Every operation is idempotent: re-adding an unchanged document, deleting an absent one or rebuilding a
corpus from unchanged sources publishes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from foodsave.errors import InvalidInput
from foodsave.vectors.chunk import chunk_text, embedding_text
from foodsave.vectors.index import VectorIndex, chunk_id, document_id_range
from foodsave.vectors.manifest import ChunkRecord, Manifest
from foodsave.vectors.publish import IndexContents, IndexPublisher

if TYPE_CHECKING:
    from foodsave.vectors.embed import Embedder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceDocument:
    document_id: str
    title: str
    text: str
    source: str = ""

    @property
    def checksum(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.source}\n{self.text}".encode()).hexdigest()


def sources_checksum(documents: Sequence[SourceDocument]) -> str:
    digest = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.document_id):
        digest.update(doc.document_id.encode() + b"\0" + doc.checksum.encode() + b"\n")
    return digest.hexdigest()


class IndexBuilder:
    def __init__(self, publisher: IndexPublisher, embedder: Embedder) -> None:
        self.publisher = publisher
        self.embedder = embedder

    def _chunk_and_embed(self, doc: SourceDocument) -> tuple[list[ChunkRecord], np.ndarray]:
        chunks = chunk_text(doc.document_id, doc.text)
        if not chunks:
            raise InvalidInput(f"document {doc.document_id} has no text to index")
        records = [
            ChunkRecord(
                id=chunk_id(doc.document_id, c.position),
                document_id=doc.document_id,
                position=c.position,
                text=c.text,
                title=doc.title,
                source=doc.source,
            )
            for c in chunks
        ]
        vectors = self.embedder.embed_documents([embedding_text(doc.title, r.text) for r in records])
        return records, vectors

    def _empty(self) -> IndexContents:
        index = VectorIndex.build(
            np.zeros((0, self.embedder.dim), dtype=np.float32), np.zeros(0, dtype=np.int64), kind="flat"
        )
        return IndexContents(
            index=index,
            records={},
            embedder=self.embedder.name,
            dim=self.embedder.dim,
            embedder_version=self.embedder.version,
        )

    def _usable(self, name: str, contents: IndexContents | None) -> IndexContents:
        if contents is None:
            return self._empty()
        if (contents.embedder, contents.dim, contents.embedder_version) != (
            self.embedder.name,
            self.embedder.dim,
            self.embedder.version,
        ):
            # The stored vectors are useless to this embedder: start over (callers re-add sources).
            log.warning("index %s was built with %s; starting it afresh", name, contents.embedder)
            return self._empty()
        return contents

    def add_document(self, name: str, doc: SourceDocument) -> Manifest | None:
        """Index (or re-index) one document; None when it is already indexed with the same content.

        The chunks are embedded once; if another builder publishes first, they are merged again into its
        newer version (see `IndexPublisher.publish_change`), so concurrent additions are all kept.
        """
        embedded: tuple[list[ChunkRecord], np.ndarray] | None = None

        def change(base: IndexContents | None) -> IndexContents | None:
            nonlocal embedded
            contents = self._usable(name, base)
            known = contents.documents.get(doc.document_id)
            if known and known.get("sha256") == doc.checksum:
                return None
            if embedded is None:
                embedded = self._chunk_and_embed(doc)
            new_records, new_vectors = embedded
            lo, hi = document_id_range(doc.document_id)
            keep = ~((contents.index.ids >= lo) & (contents.index.ids < hi))
            ids = np.concatenate(
                [contents.index.ids[keep], np.array([r.id for r in new_records], dtype=np.int64)]
            )
            vectors = np.concatenate([np.asarray(contents.index.vectors)[keep], new_vectors])
            records = {i: r for i, r in contents.records.items() if not lo <= i < hi}
            records.update({r.id: r for r in new_records})
            documents = dict(contents.documents)
            documents[doc.document_id] = {
                "sha256": doc.checksum,
                "chunks": len(new_records),
                "title": doc.title,
            }
            return IndexContents(
                index=VectorIndex.build(vectors, ids),
                records=records,
                embedder=self.embedder.name,
                dim=self.embedder.dim,
                documents=documents,
                source_checksum=contents.source_checksum,
                embedder_version=self.embedder.version,
            )

        return self.publisher.publish_change(name, change)

    def delete_document(self, name: str, document_id: str) -> Manifest | None:
        """Remove exactly the chunks of `document_id`; None when the index does not hold it."""

        def change(contents: IndexContents | None) -> IndexContents | None:
            if contents is None:
                return None
            lo, hi = document_id_range(document_id)
            hit = (contents.index.ids >= lo) & (contents.index.ids < hi)
            if not hit.any() and document_id not in contents.documents:
                return None
            documents = {k: v for k, v in contents.documents.items() if k != document_id}
            records = {i: r for i, r in contents.records.items() if not lo <= i < hi}
            index = VectorIndex.build(np.asarray(contents.index.vectors)[~hit], contents.index.ids[~hit])
            return IndexContents(
                index=index,
                records=records,
                embedder=contents.embedder,
                dim=contents.dim,
                documents=documents,
                source_checksum=contents.source_checksum,
                embedder_version=contents.embedder_version,
            )

        return self.publisher.publish_change(name, change)

    def rebuild(
        self, name: str, documents: Sequence[SourceDocument], *, force: bool = False
    ) -> Manifest | None:
        """Build `name` from scratch; None when sources and embedder are unchanged since the last version."""
        checksum = sources_checksum(documents)
        if not force:
            current = self.publisher.current_manifest(name)
            if current and current.source_checksum == checksum and current.built_with(self.embedder):
                return None
        if len({d.document_id for d in documents}) != len(documents):
            raise InvalidInput(f"index {name}: document ids must be unique")
        all_records: list[ChunkRecord] = []
        all_vectors: list[np.ndarray] = []
        docs_meta: dict[str, dict[str, object]] = {}
        for doc in documents:
            records, vectors = self._chunk_and_embed(doc)
            all_records.extend(records)
            all_vectors.append(vectors)
            docs_meta[doc.document_id] = {"sha256": doc.checksum, "chunks": len(records), "title": doc.title}
        if not all_records:
            raise InvalidInput(f"index {name}: nothing to index")
        ids = np.array([r.id for r in all_records], dtype=np.int64)
        index = VectorIndex.build(np.concatenate(all_vectors), ids)
        return self.publisher.publish(
            name,
            IndexContents(
                index=index,
                records={r.id: r for r in all_records},
                embedder=self.embedder.name,
                dim=self.embedder.dim,
                documents=docs_meta,  # type: ignore[arg-type]
                source_checksum=checksum,
                embedder_version=self.embedder.version,
            ),
        )
