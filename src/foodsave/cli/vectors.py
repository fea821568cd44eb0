"""`foodsave index build DIR --name NAME`, `foodsave index corpus`, `foodsave index migrate` and
`foodsave search QUERY --index NAME`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

SUFFIXES = (".txt", ".md", ".markdown", ".pdf")


def _services() -> Any:
    from foodsave.bootstrap import build_services
    from foodsave.config import get_settings, reset_settings

    reset_settings()
    return build_services(get_settings())


def _folder_documents(folder: Path) -> list[Any]:
    from foodsave.errors import FoodSaveError
    from foodsave.vectors.builder import SourceDocument
    from foodsave.vectors.extract import extract_text, sniff_media_type

    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    docs, seen = [], set()
    for i, path in enumerate(files, 1):
        print(f"[{i}/{len(files)}] {path.relative_to(folder)}", file=sys.stderr)
        if path.stem in seen:
            print(f"  skipped: another file is already named {path.stem}", file=sys.stderr)
            continue
        try:
            data = path.read_bytes()
            text = extract_text(data, sniff_media_type(data, path.name))
        except FoodSaveError as exc:
            print(f"  skipped: {exc.detail}", file=sys.stderr)
            continue
        seen.add(path.stem)
        title = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.strip()), path.stem)[:200]
        docs.append(SourceDocument(document_id=path.stem, title=title, text=text, source=path.name))
    return docs


def _build(args: argparse.Namespace) -> int:
    from foodsave.bootstrap import build_embedder
    from foodsave.vectors.builder import IndexBuilder
    from foodsave.vectors.manifest import check_index_name
    from foodsave.vectors.publish import IndexPublisher

    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"error: {folder} is not a folder", file=sys.stderr)
        return 2
    name = check_index_name(args.name)
    services = _services()
    docs = _folder_documents(folder)
    if not docs:
        print("error: no txt, md or pdf file with text found", file=sys.stderr)
        return 1
    embedder = build_embedder(args.embedder or services.settings.embedder)
    print(f"embedding {len(docs)} documents with {embedder.name}", file=sys.stderr)
    builder = IndexBuilder(IndexPublisher(services.store, clock=services.clock), embedder)
    manifest = builder.rebuild(name, docs, force=args.force)
    if manifest is None:
        print(f"index {name} is already up to date", file=sys.stderr)
    else:
        print(
            f"published {name} v{manifest.version}: {manifest.count} chunks from {len(docs)} documents "
            f"({manifest.index_type})",
            file=sys.stderr,
        )
    return 0


def _corpus(args: argparse.Namespace) -> int:
    from foodsave.bootstrap import build_embedder
    from foodsave.vectors.corpus import CORPUS_NAMES, build_corpus_index

    services = _services()
    embedder = build_embedder(args.embedder or services.settings.embedder)
    for name in CORPUS_NAMES if args.name == "all" else (args.name,):
        manifest = build_corpus_index(
            name, store=services.store, embedder=embedder, clock=services.clock, force=args.force
        )
        state = (
            "up to date" if manifest is None else f"published v{manifest.version} ({manifest.count} chunks)"
        )
        print(f"{name}: {state}", file=sys.stderr)
    return 0


def _search(args: argparse.Namespace) -> int:
    from foodsave.bootstrap import build_embedder
    from foodsave.errors import FoodSaveError
    from foodsave.vectors.load import IndexReader
    from foodsave.vectors.search import MAX_K, MAX_QUERY_CHARS

    services = _services()
    settings = services.settings
    embedder = build_embedder(args.embedder or settings.embedder)
    reader = IndexReader(services.store, args.index, embedder, settings.resolved_index_cache_dir)
    if not 1 <= args.k <= MAX_K:
        print(f"error: --k must be between 1 and {MAX_K}", file=sys.stderr)
        return 2
    try:
        loaded = reader.current()
    except FoodSaveError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    queries = [args.query] if args.query not in (None, "-") else (line.rstrip("\n") for line in sys.stdin)
    status = 0
    for query in queries:
        query = query.strip()
        if not query or len(query) > MAX_QUERY_CHARS:
            print(f"error: skipped an empty or over-long query ({len(query)} characters)", file=sys.stderr)
            status = 1
            continue
        for rank, hit in enumerate(loaded.search(embedder.embed_query(query), args.k), 1):
            row = {"query": query, "rank": rank, "document_id": hit.chunk.document_id, "chunk": hit.chunk.position,
                   "score": round(hit.score, 6), "text": hit.chunk.text}  # fmt: skip
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                print(
                    f"{rank:>2}. {hit.score:.3f}  {hit.chunk.document_id}#{hit.chunk.position}  {' '.join(hit.chunk.text.split())[:100]}"
                )
        sys.stdout.flush()
    return status


def _migrate(args: argparse.Namespace) -> int:
    from foodsave.db.models import Household
    from foodsave.vectors.migrate import plan, queue_rebuilds

    services = _services()

    def is_household(owner: str) -> bool:
        with services.db.session() as session:
            return session.get(Household, owner) is not None

    migration = plan(services.store, services.clock, services.embedder, is_household)
    for name in migration.rebuilds:
        print(f"rebuild {name}")
    for name in migration.skipped:
        print(f"skipped {name}: built from files the index-builder does not keep; rebuild it by hand")
    for problem in migration.unreadable:
        print(f"error: unreadable index {problem}", file=sys.stderr)
    if not args.dry_run:
        queue_rebuilds(services.queue, migration)
        print(f"queued {len(migration.rebuilds)} rebuilds for the index-builder", file=sys.stderr)
    return 1 if migration.unreadable else 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    index = subparsers.add_parser("index", help="build vector indexes").add_subparsers(
        dest="index_command", required=True
    )
    build = index.add_parser("build", help="index a folder of txt/md/pdf files into the local store")
    build.add_argument("dir")
    build.add_argument("--name", required=True, help="index name (lower-case letters, digits, - _ .)")
    build.add_argument("--embedder", help="e5 (default), hashing or titan")
    build.add_argument("--force", action="store_true", help="publish even if nothing changed")
    build.set_defaults(func=_build)
    corpus = index.add_parser("corpus", help="build the bundled shared corpora (recipes, knowledge)")
    corpus.add_argument("--name", default="all", choices=("all", "recipes", "knowledge"))
    corpus.add_argument("--embedder")
    corpus.add_argument("--force", action="store_true")
    corpus.set_defaults(func=_corpus)
    migrate = index.add_parser(
        "migrate",
        help="queue rebuilds of every index built by another embedder or published under a legacy name",
    )
    migrate.add_argument("--dry-run", action="store_true", help="list the rebuilds without queueing them")
    migrate.set_defaults(func=_migrate)

    search = subparsers.add_parser(
        "search", help="search a published index (one JSON line per hit with --json)"
    )
    search.add_argument(
        "query", nargs="?", help="the query; omit or '-' to read one query per line from stdin"
    )
    search.add_argument("--index", required=True)
    search.add_argument("--k", type=int, default=10)
    search.add_argument("--json", action="store_true")
    search.add_argument("--embedder")
    search.set_defaults(func=_search)
