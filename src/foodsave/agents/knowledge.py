"""Storage, safety and cooking questions answered from the food knowledge corpus and the user's own documents:
the most relevant sentences of the best articles, quoted and cited (type, id, title); a language model, when
configured, rephrases only those facts. When nothing relevant is found it says so."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.text import stem, words

SERVICE = "knowledge_index"
TOP_K = 6
MAX_QUOTES = 3
# English words of kitchen questions the search glossary (vectors/data/glossary_en_pl.tsv) leaves out, as the
# stems of their Polish counterparts.
EN_EXTRA = {
    "long": ("dni",),
    "difference": ("roznic",),
    "differ": ("roznic",),
    "before": ("przed",),
    "cans": ("puszk",),
}

QUESTION_STEMS = frozenset(
    stem(w)
    for w in """jak dlugo mozna moge czy nalezy trzeba ile gdzie co jest sa how long can should does the
    what where when which will would could there this that them they your have between what's it's and
    or the of to in on at by for with use get did my me you it an from about after into""".split()
)
# Words about keeping, cooking and safety in general; every other content word names the subject (a food),
# and a passage must mention the subject to answer the question.
GENERIC = tuple(
    stem(w)
    for w in """przechowywac przechowuj trzymac lodowka lodowce zamrazarka zamrazac zamrozic mrozic mrozenie
    rozmrazac rozmrozic otwarty otwarciu dni dzien tydzien tygodni godzin miesiac czas czasu temperatura
    temperaturze stopni gotowac ugotowac ugotowany piec upiec upieczony pieczony smazyc odgrzewac odgrzac
    najlepiej spozyc termin data daty bezpieczny bezpiecznie zepsuty zdrowy srodek srodku powinien powinna
    powinno byc wolno zeby aby nie zawsze dobrze jeszcze swiezy surowy plesn plesnial zrobic uzyc zjesc jesc
    kupic przed resztki zapach""".split()
) + ("otwar", "lodow", "zamraz", "mroz", "rozmraz", "przechow", "trzym", "gotow", "ugotow", "odgrzew",
     "plesn", "temperatur", "surow", "najlepiej", "nalezy", "termin", "dat", "bezpieczn", "zepsut", "zapach",
     "resztk", "roznic")  # fmt: skip


@dataclass(frozen=True)
class Passage:
    score: float
    text: str
    source: dict[str, Any]


def _terms(text: str) -> list[str]:
    """Content stems of the question, English words joined by their Polish counterparts."""
    from foodsave.vectors.lexical import glossary

    table = glossary()
    out: list[str] = []
    for word in words(text):
        if stem(word) in QUESTION_STEMS:
            continue  # "can" is a verb here, not a tin
        polish = table.get(word) or EN_EXTRA.get(word)
        if polish:
            out.extend(polish)
            continue
        s = stem(word)
        if len(s) >= 3 and s not in QUESTION_STEMS:
            out.append(s)
    return list(dict.fromkeys(out))


def _hits(word_stem: str, term: str) -> bool:
    return word_stem.startswith(term[:5]) if len(term) >= 5 else word_stem.startswith(term)


def _generic(term: str) -> bool:
    return any(_hits(term, g) or _hits(g, term) for g in GENERIC)


def sentences(text: str) -> list[tuple[str, str]]:
    """(section heading, sentence or bullet) pairs of a markdown article or a chunk of one."""
    out: list[tuple[str, str]] = []
    heading = ""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            continue
        for bullet in re.split(r"\s+-\s+(?=[A-ZĄĆĘŁŃÓŚŹŻ])", line.lstrip("-* ").strip()):
            for part in re.split(r"(?<=[.!?])\s+(?=[A-ZĄĆĘŁŃÓŚŹŻ„])", bullet):
                if len(part) > 15:
                    out.append((heading, part))
    return out


@lru_cache(maxsize=1)
def _articles() -> dict[str, str]:
    """The bundled knowledge articles' full text by id (search finds them; quotes come from the whole text)."""
    from foodsave.vectors.corpus import load_knowledge

    return {d.document_id: d.text for d in load_knowledge()}


@dataclass(frozen=True)
class Sentence:
    text: str
    said: frozenset[str]  # stems of the sentence
    context: frozenset[str]  # stems of its section heading and article title


@lru_cache(maxsize=256)
def prepared(text: str, title: str) -> tuple[Sentence, ...]:
    """An article's sentences with their stems, worked out once per article text."""
    out = []
    for heading, sentence in sentences(text):
        said = frozenset(stem(w) for w in words(sentence))
        context = frozenset(stem(w) for w in words(heading + " " + title))
        out.append(Sentence(sentence, said, context))
    return tuple(out)


def _score(terms: list[str], subject: list[str], sentence: Sentence) -> float:
    in_text = {t for t in terms if any(_hits(w, t) for w in sentence.said)}
    in_context = {t for t in terms if any(_hits(w, t) for w in sentence.context)}
    if subject and not (set(subject) & (in_text | in_context)):
        return 0.0
    value = sum(3.0 if t in subject else 1.0 for t in in_text)
    value += sum(1.5 if t in subject else 0.5 for t in in_context)
    if value and re.search(r"\d", sentence.text):
        value += 0.5  # facts with figures answer "how long" and "how hot"
    return value


def best_passages(question: str, hits: list[Any], kind: str) -> list[Passage]:
    terms = _terms(question)
    subject = [t for t in terms if not _generic(t)]
    scored: list[Passage] = []
    for rank, hit in enumerate(hits):
        source = {"type": kind, "id": hit.document_id, "title": hit.title}
        text = hit.text
        if kind == "knowledge":
            text = _articles().get(hit.document_id, hit.text)
        for sentence in prepared(text, hit.title):
            value = _score(terms, subject, sentence)
            if value > 0:
                scored.append(Passage(value - 0.25 * rank, sentence.text, source))
    scored.sort(key=lambda p: -p.score)
    scored = list({p.text: p for p in reversed(scored)}.values())[::-1]  # one quote per sentence
    if not scored or scored[0].score < 2.0:
        return []
    top = scored[0].score
    return [p for p in scored if p.score >= top * 0.8][:MAX_QUOTES]


def _search(ctx: AgentContext, query: str) -> tuple[list[Any], list[Any]]:
    service = ctx.search()
    expanded = " ".join([query, *_terms(query)])[:2000]
    knowledge = service.search(expanded, k=TOP_K, scope="knowledge")
    documents = service.search(expanded, k=2, scope="documents", user_id=ctx.user.id)
    return knowledge, documents


def handle(ctx: AgentContext) -> AgentReply:
    try:
        knowledge, documents = _search(ctx, ctx.message)
    except Exception:  # noqa: BLE001 - an unavailable index is an honest reply, never a 500
        from foodsave.observability import logger

        logger.exception("knowledge search failed")
        return AgentReply(
            ctx.say(
                "Baza wiedzy o przechowywaniu jedzenia jest teraz niedostępna. Spróbuj później.",
                "The food knowledge base is unavailable right now. Please try again later.",
            ),
            degraded=[SERVICE],
        )
    passages = best_passages(ctx.message, knowledge, "knowledge") + best_passages(
        ctx.message, documents, "document"
    )
    passages.sort(key=lambda p: -p.score)
    passages = passages[:MAX_QUOTES]
    if not passages:
        return AgentReply(
            ctx.say(
                "Nie znalazłem w bazie wiedzy ani w Twoich dokumentach nic na ten temat.",
                "I found nothing about that in the knowledge base or in your documents.",
            ),
            facts=["knowledge passages: 0"],
        )
    sources: list[dict[str, Any]] = []
    for p in passages:
        if p.source not in sources:
            sources.append(p.source)
    quoted = [f"„{p.text}” [{sources.index(p.source) + 1}]" for p in passages]
    cited = [f"[{n}] {s['title']}" for n, s in enumerate(sources, start=1)]
    head = ctx.say("Z bazy wiedzy:", "From the knowledge base (quoted in Polish):")
    text = "\n".join([head, *quoted, ctx.say("Źródła: ", "Sources: ") + "; ".join(cited)])
    return AgentReply(text, facts=[p.text for p in passages], sources=sources)
