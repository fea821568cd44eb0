"""Builds the English -> Polish lexicon that lexical search uses for English questions over Polish text
(src/foodsave/vectors/data/lexicon_en_pl.tsv) from the FreeDict English-Polish dictionary (Piotrowski and
Saloni, Debian package `dict-freedict-eng-pol`): every one-word headword with the one- or two-word Polish
translations of its senses, idioms and phrasal verbs left out. A general dictionary, not a list written from
any evaluation set.

    apt-get install dict-freedict-eng-pol && python -m devkit.lexicon
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

DICT = Path("/usr/share/dictd/freedict-eng-pol.dict.dz")
INDEX = Path("/usr/share/dictd/freedict-eng-pol.index")
OUT = Path(__file__).resolve().parents[1] / "src" / "foodsave" / "vectors" / "data" / "lexicon_en_pl.tsv"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
MAX_TRANSLATIONS = 8
HEADER = """\
# English word TAB Polish translations (space-separated words), for lexical search of Polish documents with
# English questions. Derived by devkit/lexicon.py from the FreeDict English-Polish dictionary (Piotrowski and
# Saloni, "Nowy słownik angielsko-polski", FreeDict edition 0.2, Debian package dict-freedict-eng-pol),
# whose textual content is licensed under the GNU Free Documentation License 1.2 or later.
"""
_HEADWORD = re.compile(r"^[a-z][a-z-]*[a-z]$")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with gzip.open(DICT, "rt", encoding="utf-8") as fh:
        dictionary = fh.read()
    table = entries(dictionary, INDEX.read_text(encoding="utf-8"))
    args.out.write_text(
        HEADER + "".join(f"{english}\t{' '.join(polish)}\n" for english, polish in table.items()),
        encoding="utf-8",
    )
    print(f"{len(table)} English words -> {args.out}")


if __name__ == "__main__":
    main()
