"""English -> Polish word lookup for searching Polish documents with English questions: the hand-written food
glossary (vectors/data/glossary_en_pl.tsv) before a general English-Polish dictionary (vectors/data/
lexicon_en_pl.tsv, from FreeDict), and two-word phrases glossed as one (the hand-written vectors/data/
glossary_phrases_en_pl.tsv before vectors/data/phrases_en_pl.tsv, from FreeDict: "ice cream" -> lody, not ice
and cream). Tells an English question from a Polish one and glosses it in Polish, for BM25 (stems, every sense)
and for the dense model (words: the glossary's alone for a word it lists)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from foodsave.text import fold
from foodsave.text.sorted_lines import SortedLines

_WORD = re.compile(r"[a-z]+")
# English function and modal words: they count as English when telling the languages apart but are never
# glossed, never part of a two-word phrase, and a phrase is never read across them.
ENGLISH_FUNCTION_WORDS = frozenset(
    """a an and are as at be been but by can could do does did for from has have how i if in into is it its
    may me might must my of on or ought shall should so than that the their them then there these they this to
    was what when where which who why will with would you your""".split()
)
# Polish function words that are also English dictionary entries ("po", "to", "na"): never evidence of English.
POLISH_FUNCTION_WORDS = frozenset(
    """aby ale albo ani bez bo by czy co czym do dla gdy gdzie ich ile jak jaka jaki jakie jest juz ktory lub ma
    mam mi moge mozna na nad nie o od oraz po pod przed przez przy sa sie tak to tu w we z za ze""".split()
)
POLISH_LETTERS = frozenset("ąćęłńóśźż")
# A question is English when at least this share of its words are English (dictionary or function words).
ENGLISH_SHARE = 0.6
GLOSS_WORDS_PER_TERM = 2


def _data(name: str) -> str:
    return (resources.files("foodsave.vectors") / "data" / name).read_text(encoding="utf-8")


def read_table(name: str) -> dict[str, tuple[str, ...]]:
    """A word table of vectors/data: word TAB words separated by spaces; # starts a comment line."""
    table: dict[str, tuple[str, ...]] = {}
    for line in _data(name).splitlines():
        if line.strip() and not line.startswith("#"):
            english, polish = line.split("\t", 1)
            table[english.strip()] = tuple(polish.split())
    return table


@lru_cache(maxsize=1)
def _glossary() -> dict[str, tuple[str, ...]]:
    return read_table("glossary_en_pl.tsv")


@lru_cache(maxsize=1)
def _dictionary() -> SortedLines:
    """The general dictionary, looked up in its text: parsing its ~28,000 lines into a dict would cost a cold
    start tens of milliseconds to look up the few words of its first question."""
    return SortedLines(_data("lexicon_en_pl.tsv"))


def entry(english: str) -> tuple[str, ...] | None:
    """The Polish words for one English dictionary word: the food glossary's first, then the general
    dictionary's; None when neither lists it."""
    general = _dictionary().get(english)
    words = () if general is None else tuple(general.split())
    glossary = _glossary().get(english)
    if glossary is None:
        return None if general is None else words
    return tuple(dict.fromkeys(glossary + words))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, tuple[str, ...]]:
    """The whole table, English word -> Polish words: what `entry` answers for each word of either source."""
    table = read_table("lexicon_en_pl.tsv")
    for english, polish in _glossary().items():
        table[english] = tuple(dict.fromkeys(polish + table.get(english, ())))
    return table


@lru_cache(maxsize=1)
def _spelt_right() -> SortedLines:
    return SortedLines(_data("stems_pl.tsv"))


def spelt_right(stem: str) -> bool:
    """Whether `stem` is the stem of a Polish word of the English-Polish dictionary (vectors/data/stems_pl.tsv,
    sorted, looked up in its text): a word spelt right."""
    return stem in _spelt_right()


@lru_cache(maxsize=1)
def _hand_phrases() -> dict[str, tuple[str, ...]]:
    return read_table("glossary_phrases_en_pl.tsv")


@lru_cache(maxsize=1)
def _dictionary_phrases() -> SortedLines:
    """The general dictionary's phrases, looked up in their sorted text (a search's first question pairs its
    words up, Polish ones too: parsing the table would cost every cold search milliseconds)."""
    return SortedLines(_data("phrases_en_pl.tsv"))


def phrase_entry(english: str) -> tuple[str, ...] | None:
    """The Polish words for one two-word phrase (space-separated): the hand-written food phrases'
    (vectors/data/glossary_phrases_en_pl.tsv) where they list it, else the general dictionary's, else None."""
    hand = _hand_phrases().get(english)
    if hand is not None:
        return hand
    general = _dictionary_phrases().get(english)
    return None if general is None else tuple(general.split())


@lru_cache(maxsize=1)
def phrase_table() -> dict[str, tuple[str, ...]]:
    """The whole phrase table, two English words -> Polish words: what `phrase_entry` answers for each."""
    return read_table("phrases_en_pl.tsv") | _hand_phrases()


def phrase(first: str, second: str) -> tuple[str, ...] | None:
    """The Polish words for two folded English words that form a phrase of the table (its second word in any of
    its forms: `green beans` -> green bean), else None."""
    for form in english_forms(second):
        found = phrase_entry(f"{first} {form}")
        if found is not None:
            return found
    return None


def translations(words: list[str], *, own: bool = True, curated: bool = False) -> list[tuple[str, ...]]:
    """Per folded English word, its Polish words: those of the two-word phrase it belongs to (two adjacent
    words, neither a function word) followed, with `own`, by its own; else its own. With `curated`, a word the
    food glossary lists has the glossary's words alone (`curated_translate`)."""
    look_up = curated_translate if curated else translate
    out: list[tuple[str, ...]] = [()] * len(words)
    i = 0
    while i < len(words):
        pair = i + 1 < len(words) and not ENGLISH_FUNCTION_WORDS & {words[i], words[i + 1]}
        joint = phrase(words[i], words[i + 1]) if pair else None
        if joint is not None:
            for j in (i, i + 1):
                out[j] = tuple(dict.fromkeys(joint + look_up(words[j]))) if own else joint
            i += 2
        else:
            out[i] = look_up(words[i])
            i += 1
    return out


def english_forms(word: str) -> list[str]:
    """`word` and the base forms its English ending may stand for: `berries` -> berry, `thawed` -> thaw."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if word.endswith("ed"):
        forms += [word[:-2], word[:-1]]
    if word.endswith("ing"):
        forms += [word[:-3], word[:-3] + "e"]
    return forms


def translate(word: str) -> tuple[str, ...]:
    """The Polish words for one folded English word (any of its forms), or ()."""
    for form in english_forms(word):
        found = entry(form)
        if found is not None:
            return found
    return ()


def curated_translate(word: str) -> tuple[str, ...]:
    """`translate`, except that a word of which the food glossary lists a form (`carrots` -> carrot) has the
    glossary's words alone: the general dictionary's rarer senses (cheese -> forsa, safe -> sejf, stocks ->
    dyby) would pull a dense gloss off the topic. An inflected form whose meaning differs from its base form's
    (icing is not ice, breading is not bread) has an entry of its own in the glossary."""
    forms = english_forms(word)
    hand = next((_glossary()[form] for form in forms if form in _glossary()), None)
    return translate(word) if hand is None else hand


@lru_cache(maxsize=1)
def _glossary_polish() -> frozenset[str]:
    tables = (_glossary(), _hand_phrases())
    return frozenset(fold(word) for table in tables for polish in table.values() for word in polish)


def loanword(word: str) -> bool:
    """Whether the food glossaries write the folded `word` as a Polish word (ricotta, chia, burger, sos, tort):
    a word both languages may write alike, so no evidence of English."""
    return word in _glossary_polish()


def is_english(query: str) -> bool:
    """Whether the query reads as English: no Polish letters, and most of its words are English function or
    dictionary words that are not Polish function words. A word the glossaries write as Polish (`loanword`) is
    evidence of neither language, so "sos chilli" or "pudding chia" stay Polish; a query of such words alone
    reads as Polish."""
    words = _WORD.findall(fold(query))
    if not words or POLISH_LETTERS & set(query.lower()):
        return False
    english = shared = 0
    for w in words:
        if w in ENGLISH_FUNCTION_WORDS:
            english += 1
        elif loanword(w):
            shared += 1
        elif w not in POLISH_FUNCTION_WORDS and translate(w):
            english += 1
    counted = len(words) - shared
    return counted > 0 and english >= ENGLISH_SHARE * counted


def polish_gloss(query: str, per_word: int = GLOSS_WORDS_PER_TERM) -> str:
    """The query's content words replaced by their first Polish translations ("" when none is known), the food
    glossary's alone for a word it lists."""
    out: list[str] = []
    words = _WORD.findall(fold(query))
    for word, polish in zip(words, translations(words, own=False, curated=True), strict=True):
        if word not in ENGLISH_FUNCTION_WORDS:
            out.extend(polish[:per_word])
    return " ".join(dict.fromkeys(out))
