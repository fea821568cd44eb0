"""Versioned indexes through the ObjectStore port: one import for what a published index is (`manifest`),
how a version is written (`publish`) and how it is read (`load`)."""

from __future__ import annotations

from foodsave.vectors.load import IndexReader, LoadedIndex, ScoredChunk, load_version
from foodsave.vectors.manifest import (
    DATA_FILES,
    FORMAT_VERSION,
    MANIFEST_FILE,
    META_FILE,
    POINTER_FILE,
    ChunkRecord,
    CorruptIndex,
    EmbedderMismatch,
    Manifest,
    MetaReader,
    check_index_name,
    user_index_name,
    write_meta,
)
from foodsave.vectors.publish import IndexContents, IndexPublisher, PublishContended

__all__ = [
    "DATA_FILES",
    "FORMAT_VERSION",
    "MANIFEST_FILE",
    "META_FILE",
    "POINTER_FILE",
    "ChunkRecord",
    "CorruptIndex",
    "EmbedderMismatch",
    "IndexContents",
    "IndexPublisher",
    "IndexReader",
    "LoadedIndex",
    "Manifest",
    "MetaReader",
    "PublishContended",
    "ScoredChunk",
    "check_index_name",
    "load_version",
    "user_index_name",
    "write_meta",
]
