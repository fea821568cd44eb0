"""Builds the English -> Polish lexicon that lexical search uses for English questions over Polish text
(src/foodsave/vectors/data/lexicon_en_pl.tsv) from two general dictionaries, not from any evaluation set:

- the FreeDict English-Polish dictionary (Piotrowski and Saloni, Debian package `dict-freedict-eng-pol`):
  every one-word headword with the one- or two-word Polish translations of its senses, idioms and phrasal
  verbs left out;
- the FreeDict Polish-English dictionary (WikDict, from Wiktionary; Debian package `dict-freedict-pol-eng`),
  read backwards: each one-word English translation of a one-word Polish noun points to that noun. It names
  many foods, herbs and cheeses the first one lacks.

An English word keeps the English-Polish translations first, then at most MAX_INVERTED Polish headwords from
the Polish-English dictionary, MAX_TRANSLATIONS in all. The two-word English translations of one-word Polish
nouns read the same way ("ice cream" -> lody, "cottage cheese" -> twaróg) go to a phrase table beside it
(src/foodsave/vectors/data/phrases_en_pl.tsv), MAX_INVERTED nouns each; phrases with an English function or
modal word ("oil can", "head of") are left out, since a question's own words would be read as them. The stems
of every Polish word of the lexicon and the food glossary go, sorted, to src/foodsave/vectors/data/stems_pl.tsv:
the words spelt right, which a search looks up (by binary search) before reading a word as a typo.

    apt-get install dict-freedict-eng-pol dict-freedict-pol-eng && python -m devkit.lexicon
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

DICTD = Path("/usr/share/dictd")
DICT = DICTD / "freedict-eng-pol.dict.dz"
INDEX = DICTD / "freedict-eng-pol.index"
POL_ENG_DICT = DICTD / "freedict-pol-eng.dict.dz"
POL_ENG_INDEX = DICTD / "freedict-pol-eng.index"
OUT = Path(__file__).resolve().parents[1] / "src" / "foodsave" / "vectors" / "data" / "lexicon_en_pl.tsv"
PHRASES_OUT = OUT.with_name("phrases_en_pl.tsv")
STEMS_OUT = OUT.with_name("stems_pl.tsv")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
MAX_TRANSLATIONS = 8
MAX_INVERTED = 3
# Parts of speech read backwards: nouns, where the first dictionary lacks food names; verbs and adjectives
# would gloss everyday English words ("go", "make", "like") with a rare sense.
INVERTED_PARTS = frozenset({"n"})
HEADER = """\
# English word TAB Polish translations (space-separated words), for lexical search of Polish documents with
# English questions. Derived by devkit/lexicon.py from the FreeDict English-Polish dictionary (Piotrowski and
# Saloni, "Nowy słownik angielsko-polski", FreeDict edition 0.2, Debian package dict-freedict-eng-pol),
# whose textual content is licensed under the GNU Free Documentation License 1.2 or later; after those, up to
# three Polish nouns per English word from the FreeDict Polish-English dictionary read backwards (WikDict
# edition 2022.11.18 by Karl Bartel, from Wiktionary via DBnary, Debian package dict-freedict-pol-eng),
# licensed under the Creative Commons Attribution-ShareAlike 3.0 Unported licence.
"""
_HEADWORD = re.compile(r"^[a-z][a-z-]*[a-z]$")
_PHRASE = re.compile(r"^[a-z]{2,} [a-z]{2,}$")
PHRASES_HEADER = """\
# Two English words TAB Polish nouns (space-separated), for lexical search of Polish documents with English
# questions: the phrase's words are glossed together, not one by one. Derived by devkit/lexicon.py from the
# two-word English translations of one-word Polish nouns in the FreeDict Polish-English dictionary (WikDict
# edition 2022.11.18 by Karl Bartel, from Wiktionary via DBnary, Debian package dict-freedict-pol-eng),
# licensed under the Creative Commons Attribution-ShareAlike 3.0 Unported licence.
"""
STEMS_HEADER = """\
# The stems (foodsave.vectors.embed.tokens) of every Polish word of the word and phrase tables (lexicon_en_pl.tsv,
# phrases_en_pl.tsv, glossary_en_pl.tsv, glossary_phrases_en_pl.tsv), one a line, sorted: Polish words spelt
# right. Written by devkit/lexicon.py.
"""
_DROP = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|^\s*[IVX]+\.\s*|^\s*\d+\.\s*")
_POLISH_ITEM = re.compile(r"^[a-ząćęłńóśźż]+(?: [a-ząćęłńóśźż]+)?$")


def decode(value: str) -> int:
    number = 0
    for char in value:
        number = number * 64 + B64.index(char)
    return number


def senses(body: str) -> list[str]:
    """The translations of an entry, in order: sense lines only, no idioms, phrasal verbs or labels."""
    out: list[str] = []
    for line in body.splitlines()[1:] or body.splitlines()[:1]:
        if "(:" in line or line.lstrip().startswith("-") or "Phras" in line or "Comp>" in line:
            continue
        text = line
        while True:
            stripped = _DROP.sub(" ", text)
            if stripped == text:
                break
            text = stripped
        for item in re.split(r"[,;]", text):
            item = " ".join(item.split()).lower()
            if _POLISH_ITEM.match(item) and item not in out:
                out.append(item)
    return out


def entries(dictionary: str, index: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    raw = dictionary.encode("utf-8")
    for line in index.splitlines():
        headword, offset, length = line.split("\t")
        headword = headword.strip().lower()
        if not _HEADWORD.match(headword) or headword.startswith("00"):
            continue
        start = decode(offset)
        body = raw[start : start + decode(length)].decode("utf-8", errors="replace")
        words: list[str] = table.setdefault(headword, [])
        for translation in senses(body):
            for word in translation.split():
                if word not in words:
                    words.append(word)
    return {word: polish[:MAX_TRANSLATIONS] for word, polish in sorted(table.items()) if polish}


_SENSE_NUMBER = re.compile(r"^\d+\.\s*|\s+\d+\.$")
_NEW_SENSE = re.compile(r"^\d+\. ")
_POS = re.compile(r"<([^>]*)>")


def english_translations(body: str, pattern: re.Pattern[str] = _HEADWORD) -> list[str]:
    """The one-word (or, with `pattern` _PHRASE, two-word) English translations of a Polish-English entry, in
    order. Its first line is the headword with its pronunciation and part of speech; a translation line follows
    it and each numbered sense that starts a line; the other lines are Polish definitions."""
    lines = body.splitlines()
    if not lines or not set(_POS.findall(lines[0])) & INVERTED_PARTS:
        return []
    out: list[str] = []
    for number, line in enumerate(lines[1:]):
        if number and not _NEW_SENSE.match(line):
            continue
        for item in line.split(","):
            word = _SENSE_NUMBER.sub("", item.strip()).lower()
            if pattern.match(word) and word not in out:
                out.append(word)
    return out


def inverted(dictionary: str, index: str, pattern: re.Pattern[str] = _HEADWORD) -> dict[str, list[str]]:
    """English word (or phrase, with `pattern` _PHRASE) -> the one-word Polish nouns translated by it, those it
    translates first before those it translates in a later place, alphabetical among equals; proper names left
    out."""
    ranked: dict[str, list[tuple[int, str]]] = {}
    raw = dictionary.encode("utf-8")
    for line in index.splitlines():
        headword, offset, length = line.split("\t")
        if not _POLISH_ITEM.match(headword) or " " in headword:
            continue
        start = decode(offset)
        body = raw[start : start + decode(length)].decode("utf-8", errors="replace")
        for place, english in enumerate(english_translations(body, pattern)):
            ranked.setdefault(english, []).append((place, headword))
    return {
        english: list(dict.fromkeys(polish for _, polish in sorted(pairs)))
        for english, pairs in sorted(ranked.items())
    }


def merged(primary: dict[str, list[str]], extra: dict[str, list[str]]) -> dict[str, list[str]]:
    """The English-Polish translations first, then at most MAX_INVERTED new words from the inverted
    Polish-English dictionary, MAX_TRANSLATIONS in all."""
    table: dict[str, list[str]] = {}
    for english in sorted(primary.keys() | extra.keys()):
        words = list(primary.get(english, []))
        added = [word for word in extra.get(english, []) if word not in words][:MAX_INVERTED]
        table[english] = (words + added)[:MAX_TRANSLATIONS]
    return table


def read_dictd(dictionary: Path, index: Path) -> tuple[str, str]:
    with gzip.open(dictionary, "rt", encoding="utf-8") as fh:
        return fh.read(), index.read_text(encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--phrases-out", type=Path, default=PHRASES_OUT)
    parser.add_argument("--stems-out", type=Path, default=STEMS_OUT)
    args = parser.parse_args()
    pol_eng = read_dictd(POL_ENG_DICT, POL_ENG_INDEX)
    table = merged(entries(*read_dictd(DICT, INDEX)), inverted(*pol_eng))
    write_table(args.out, HEADER, table)
    phrases = phrase_table(inverted(*pol_eng, _PHRASE))
    write_table(args.phrases_out, PHRASES_HEADER, phrases)
    stems = polish_stems(table, phrases)
    args.stems_out.write_text(STEMS_HEADER + "".join(f"{stem}\n" for stem in stems), encoding="utf-8")
    print(
        f"{len(table)} English words -> {args.out}, {len(phrases)} phrases -> {args.phrases_out}, "
        f"{len(stems)} Polish stems -> {args.stems_out}"
    )


def phrase_table(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """The two-word phrases without an English function or modal word, MAX_INVERTED nouns each."""
    from foodsave.vectors.lexicon import ENGLISH_FUNCTION_WORDS

    return {
        english: polish[:MAX_INVERTED]
        for english, polish in found.items()
        if not ENGLISH_FUNCTION_WORDS & set(english.split())
    }


def polish_stems(table: dict[str, list[str]], phrases: dict[str, list[str]]) -> list[str]:
    """The sorted stems of the Polish words of `table`, of `phrases` and of the food glossary's words and
    phrases."""
    from foodsave.vectors.embed import tokens
    from foodsave.vectors.lexicon import read_table

    hand = [*read_table("glossary_en_pl.tsv").values(), *read_table("glossary_phrases_en_pl.tsv").values()]
    words = {word for polish in [*table.values(), *phrases.values(), *hand] for word in polish}
    return sorted({stem for word in words for stem in tokens(word)})


def write_table(path: Path, header: str, table: dict[str, list[str]]) -> None:
    path.write_text(
        header + "".join(f"{english}\t{' '.join(polish)}\n" for english, polish in table.items()),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
