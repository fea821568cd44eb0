"""Per-message language detection of the chat (pl/en, offline); folding and tokens come from `foodsave.text`."""

from __future__ import annotations

import unicodedata

from foodsave.text import Lang, words

PL_LETTERS = set("ąćęłńóśźż")

# Frequent function words and chat verbs; folded so that "sie" and "się" count alike.
PL_WORDS = frozenset(
    """a aby albo ale bez bo by byc byl byla bylo bede bedzie ci co czy czym dla do dzis dzisiaj gdzie go i ich
    ile im ja jak jaka jaki jakie jakis jest jestem jeszcze jutro juz ktory ktora ktore kiedy lub ma mam mamy
    mi mnie moge moj moja moje moich moim mozna na nad nam nas nie nic niz o od oraz po pod podaj pokaz prosze
    przez przy sa sie tak tam ten tez to tu tylko w we wiec z za ze zeby co coz dodaj usun zjadlem zjadlam
    wyrzucilem wyrzucilam kupilem kupilam wydalem wydalam ugotowac zrobic pogoda przepis lista zakupow lodowce
    czesc dzieki dziekuje hej siema witaj ktos coś cos moze ktorego tego tej tym temu""".split()
)
EN_WORDS = frozenset(
    """a about add all am an and any are as at be been can could did do does for from get give have how i i'm
    in is it it's me my no not of on or please show so some something than that the there this to was we what
    what's when where which who why will with would you your ate threw bought spend spent recipe list weather
    hello hi thanks thank cook make plan much many expire expires expired expiring expiry tomorrow today
    still good left eat first soon fridge pantry freezer keep store any got should date safe""".split()
)
# Words that identify other common languages; a message made of them gets a bilingual polite reply.
OTHER_WORDS = frozenset(
    """der die das und ist nicht ich bin was wie wo ein eine mit auf für kann le la les et est je suis une des
    pour avec que qui el los las es una por para con que hola gracias como esta il gli che di per sono ciao
    obrigado voce nao""".split()
)


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def script_is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin >= 0.6 * len(letters)


def language_scores(text: str) -> tuple[float, float, float]:
    """(pl, en, other) evidence: stopwords of each language, Polish diacritics count double."""
    tokens = words(text)
    lowered = text.lower()
    pl: float = sum(1 for t in tokens if t in PL_WORDS) + 2.0 * sum(1 for c in lowered if c in PL_LETTERS)
    en: float = sum(1 for t in tokens if t in EN_WORDS)
    other = sum(1 for t in tokens if t in OTHER_WORDS and t not in PL_WORDS and t not in EN_WORDS)
    # Polish words end in letters English words rarely end in; a weak hint for short, diacritic-free text.
    pl += 0.3 * sum(
        1 for t in tokens if len(t) > 3 and t.endswith(("ie", "ego", "emu", "ych", "ami", "cie", "sz"))
    )
    en += 0.3 * sum(1 for t in tokens if len(t) > 3 and t.endswith(("ing", "ed", "th", "ly", "ght")))
    return pl, en, float(other)


def detect_language(text: str, default: Lang = "pl") -> Lang:
    """`pl` or `en` for one message; `default` (the conversation's or user's language) when there is no evidence."""
    pl, en, _ = language_scores(text)
    if pl == en:
        return default
    return "pl" if pl > en else "en"


def is_foreign(text: str) -> bool:
    """A message clearly written in neither Polish nor English (another script, or other languages' words)."""
    if not has_letters(text):
        return False
    if not script_is_latin(text):
        return True
    pl, en, other = language_scores(text)
    return other >= 2 and other > pl + en
