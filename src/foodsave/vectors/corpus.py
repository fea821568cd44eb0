"""The bundled shared corpora (recipes, food knowledge) as SourceDocuments, and their deploy-time index build."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.errors import InvalidInput, NotFound
from foodsave.vectors.builder import IndexBuilder, SourceDocument

if TYPE_CHECKING:
    from foodsave.ports import Clock, ObjectStore
    from foodsave.vectors.embed import Embedder
    from foodsave.vectors.manifest import Manifest

CORPUS_NAMES = ("recipes", "knowledge")
_HEADING = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def corpora_dir() -> Path:
    return Path(str(resources.files("foodsave") / "corpora"))


def _fmt_quantity(ingredient: dict[str, Any]) -> str:
    qty, unit = ingredient.get("quantity"), ingredient.get("unit")
    parts = [str(qty)] if qty not in (None, "") else []
    if unit:
        parts.append(str(unit))
    return " ".join(parts)


def recipe_document(recipe: dict[str, Any]) -> SourceDocument:
    """One recipe as searchable text: title, tags, time, ingredients and steps."""
    lines = [str(recipe["title"])]
    facts = []
    if recipe.get("meal"):
        facts.append(f"Posiłek: {recipe['meal']}")
    if recipe.get("time_minutes"):
        facts.append(f"Czas: {recipe['time_minutes']} min")
    if recipe.get("servings"):
        facts.append(f"Porcje: {recipe['servings']}")
    if recipe.get("tags"):
        facts.append("Tagi: " + ", ".join(map(str, recipe["tags"])))
    if facts:
        lines.append(". ".join(facts) + ".")
    ingredients = []
    for ing in recipe.get("ingredients") or []:
        amount = _fmt_quantity(ing)
        name = str(ing.get("name") or ing.get("normalized") or "").strip()
        label = f"{name} ({amount})" if amount else name
        ingredients.append(label + (" – opcjonalnie" if ing.get("optional") else ""))
    if ingredients:
        lines.append("Składniki: " + "; ".join(ingredients) + ".")
    steps = [str(s).strip() for s in recipe.get("steps") or [] if str(s).strip()]
    if steps:
        lines.append("\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1)))
    return SourceDocument(
        document_id=str(recipe["id"]),
        title=str(recipe["title"]),
        text="\n\n".join(lines),
        source="recipes",
    )


def load_recipes(path: Path | None = None) -> list[SourceDocument]:
    path = path or corpora_dir() / "recipes.jsonl"
    if not path.is_file():
        raise NotFound(f"recipe corpus {path} is missing")
    docs = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            docs.append(recipe_document(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(f"{path.name}:{lineno}: not a valid recipe: {exc}") from exc
    return docs


def markdown_document(path: Path, source: str) -> SourceDocument:
    """A markdown/text file: id is the file name without extension, title its first `# heading`."""
    text = path.read_text(encoding="utf-8")
    match = _HEADING.search(text)
    title = match.group(1) if match else path.stem.replace("-", " ").replace("_", " ")
    return SourceDocument(document_id=path.stem, title=title, text=text, source=source)


def load_knowledge(folder: Path | None = None) -> list[SourceDocument]:
    folder = folder or corpora_dir() / "knowledge"
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if not files:
        raise NotFound(f"knowledge corpus {folder} is missing or empty")
    return [markdown_document(p, "knowledge") for p in files]


def load_corpus(name: str) -> list[SourceDocument]:
    if name == "recipes":
        return load_recipes()
    if name == "knowledge":
        return load_knowledge()
    raise InvalidInput(f"unknown corpus {name!r} (expected one of {', '.join(CORPUS_NAMES)})")


def build_corpus_index(
    name: str,
    *,
    store: ObjectStore,
    embedder: Embedder,
    clock: Clock,
    documents: list[SourceDocument] | None = None,
    force: bool = False,
) -> Manifest | None:
    """Build and publish the shared index `name`; None when sources and embedder are unchanged."""
    from foodsave.vectors.publish import IndexPublisher

    builder = IndexBuilder(IndexPublisher(store, clock=clock), embedder)
    return builder.rebuild(name, documents if documents is not None else load_corpus(name), force=force)
