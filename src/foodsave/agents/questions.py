"""What a pantry or kitchen question asks: its type (when does X expire, do I have X, how much X, what expires,
what is past its date, how to store X, can I still eat X, ...), the item(s) it names, its time frame, and
quantities that cannot be right ("1e400 kg", "NaN kg", "-5 kg")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from foodsave.agents.entities import _SEPARATORS, _TOKEN, ItemMention, parse_item
from foodsave.text import fold

QuestionKind = Literal[
    "expires_when", "have", "how_much", "expiring", "expired", "still_ok", "storage", "cook_with"
]  # fmt: skip
PANTRY_KINDS = frozenset({"expires_when", "have", "how_much", "expiring", "expired", "still_ok"})
ITEM_KINDS = frozenset({"expires_when", "have", "how_much", "still_ok"})


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Patterns on folded text; the first that matches decides. Order matters: "can I still eat X" before
# "when does X expire", both before "do I have X".
KINDS: tuple[tuple[QuestionKind, re.Pattern[str]], ...] = (
    (
        # Whether food past a kind of date is safe at all is a knowledge question, not one about an item.
        "storage",
        _rx(
            r"\b(czy|can|is|are|should|may)\b.{0,50}\b(po (uplywie )?(terminie|dacie)|after (the|its|their) "
            r"(use.by|best.before|expiry|expiration|sell.by)( date)?|past (the|its|their) (use.by|best.before|expiry) date)"
            r"|\bjak dlugo\b.{0,15}\b(wytrzyma\w*|postoi|przetrwa|lezec|stac|mozna trzymac)\b"
            r"|\b(po otwarciu|otwart\w*)\b.{0,40}\b(ile|jak dlugo)\b|\b(ile|jak dlugo)\b.{0,40}\b(po otwarciu|otwart\w*)"
        ),
    ),
    (
        "still_ok",
        _rx(
            r"\bczy (moge|mozna|da sie|wolno)\b.{0,25}\b(zjesc|jesc|wypic|pic|uzyc|zjem)\b"
            r"|\bczy\b.{0,30}\b(jest|sa|nadaje|nadaja)\b.{0,20}\b(jeszcze )?(dobr\w*|zdatn\w*|jadaln\w*|bezpieczn\w*|do jedzenia|wazn\w*)"
            r"|\bczy\b.{0,30}\b(jeszcze )?(dobr[aey]|zdatn\w*|nadaje sie)\b"
            r"|\bcan (i|we|you) still (eat|drink|use|have)\b|\bis (it|my|the|this)\b.{0,30}\bstill (good|ok|okay|fine|safe|edible)"
            r"|\bare (my|the|these)\b.{0,30}\bstill (good|ok|okay|fine|safe|edible)|\bsafe to (eat|drink)\b"
            r"|\b(is|are) \w+( \w+)? (still )?(safe|ok|okay) to (eat|drink)"
        ),
    ),
    (
        "storage",
        _rx(
            r"\bjak (dlugo )?(moge |mozna |nalezy |trzeba |powinien\w* )?(przechowywac|przechowac|trzymac|przechowuje\w*"
            r"|zamrozic|mrozic|rozmrozic|rozmrazac|odgrzac|odgrzewac|poznac|rozpoznac)"
            r"|\bile (dni|czasu|godzin)\b.{0,40}\b(przechow\w*|trzyma\w*|lezec|wytrzyma\w*|po otwarciu)"
            r"|\bgdzie (przechowywac|trzymac|przechowuje\w*)|\bczy (mozna|moge|trzeba|nalezy|warto)\b.{0,15}\b(zamroz\w*|mroz\w*|"
            r"przechowywac|trzymac|odgrzewac|odgrzac|myc|umyc)"
            r"|\bw jakiej temperaturze\b|\bczym sie rozni\w*|\bco (oznacza|znaczy)\b|\b(najlepiej spozyc|nalezy spozyc)\b"
            r"|\bplesn\w*|\bbotuli\w*|\bbombaz\w*"
            r"|\bhow (long )?(can|should|do|must)( i| you| we)? (keep|store|freeze|thaw|defrost|reheat)"
            r"|\bhow (to|long to) (keep|store|freeze|thaw|defrost|reheat)\b"
            r"|\bhow long (does|do|will|is|are)\b.{0,30}\b(keep|last|stay|good)\b.{0,30}\b(fridge|freezer|opened|open|after)"
            r"|\bhow long\b.{0,40}\b(in the fridge|in the freezer|once opened|after opening)"
            r"|\b(where|how) (should|do|to)( i| you)? (store|keep)\b|\bcan (i|you) (freeze|refreeze|reheat)\b"
            r"|\bwhat temperature\b|\bdifference between\b|\bwhat does\b.{0,30}\bmean\b|\b(best before|use by) (mean|vs|or)\b"
            r"|\bmou?ld\w*|\b(go|belong|be kept|be stored|keep \w+) in the (fridge|freezer|cupboard|pantry)\b"
            r"|\bhow long (does|do|can|will)\b(?!.{0,12}\b(my|our)\b).{0,30}\b(keep|last|stay fresh)\b"
        ),
    ),
    (
        "expired",
        _rx(
            r"\b(co|ktore|jakie|ktory|czy cos)\b.{0,25}\b(jest |sa |mam |juz )*(po terminie|przeterminowan\w*|przeterminowal\w*|zepsul\w*)"
            r"|\bprzeterminowan\w*|\bpo (dacie|terminie) (waznosci|przydatnosci)?\s*\??$"
            r"|\bwhat\b.{0,20}\b(has |have |is |are |'s )?(expired|gone off|gone bad|past (its|their|the) (date|best)|out of date)"
            r"|\b(anything|something|which|items?|food)\b.{0,20}\b(expired|out of date|past (its|their|the) date)"
        ),
    ),
    (
        "expires_when",
        _rx(
            r"\bkiedy\b.{0,40}\b(konczy|uplywa|mija|traci|przeterminuje|przeterminuja|psuje|zepsuje|wazn\w*|termin\w*)"
            r"|\bdo kiedy\b|\bjak(i|a|ie|iej)\w* (termin\w*|date\w*|data)\b.{0,30}\b(ma|maja|waznosci|przydatnosci)\b"
            r"|\bjak dlugo\b.{0,20}\b(bedzie|bed[aą]|jest|sa)\b.{0,10}\b(dobr\w*|wazn\w*)"
            r"|\bwhen (does|do|will|is|are)\b.{0,40}\b(expire|go off|go bad|expiring|due|run out)"
            r"|\b(expiry|expiration|use.by|best.before|sell.by) dates? (of|for|on)\b|\bhow long (is|are)\b.{0,30}\bgood (for|until)\b"
            r"|\buntil when\b|\b(good|ok|okay|fine|safe) (until|till)\b|\bwhen is\b.{0,30}\b(expir\w*|use.by|best.before)"
            r"|\bwhat'?s the (date|expiry|expiration|use.by|best.before)\b.{0,10}\b(on|of|for)\b"
        ),
    ),
    (
        "expiring",
        _rx(
            r"\bco\b.{0,20}\b(sie )?(konczy|konczyc|skonczy|psuje|zepsuje|przeterminuje|traci waznosc|straci waznosc)"
            r"|\b(co|ktore|jakie)\b.{0,25}\b(musze|trzeba|powinien\w*|powinnam|najpierw|szybko)\b.{0,20}\b(zjesc|zuzyc|wykorzystac)"
            r"|\bcomu\b.{0,20}\bkonczy|\bkonczy sie termin\b|\btermin\w* (mija|uplywa)\b"
            r"|\bwhat('s| is| are)?\b.{0,20}\b(expiring|about to expire|going off|going bad|expires?)\b"
            r"|\b(what|which)\b.{0,30}\b(should|must|need to)\b.{0,20}\b(eat|use)\b.{0,10}\b(first|soon)"
            r"|\b(anything|something)\b.{0,20}\b(expiring|expire|going off)"
            r"|\b(need|have|should|must)( to)? use up\b|\buse up (first|soon)\b"
            r"|\b(krotk\w*|bliski\w*) (data|date|dat\w*|termin\w*)\b"
            r"|\bco\b.{0,20}\b(zjesc|zuzyc|wykorzystac)\b.{0,15}\b(najpierw|w pierwszej kolejnosci|szybko)"
        ),
    ),
    (
        "how_much",
        _rx(
            r"\bile (\w+ ){0,2}(jeszcze )?(mam|mamy|zostalo|zostal\w*|masz)\b(?!\s+\w+c\b)"
            r"|\bile\b.{0,20}\b(jest|sa)\b.{0,20}\b(w )?(lodowce|spizarni|zamrazarce|zapasach|domu)\b"
            r"|\bhow (much|many)\b(?!.{0,40}\b(spen[dt]|spending|cost|paid|pay|money)\b).{0,40}\b(have|got|left|is there|are there)\b"
        ),
    ),
    (
        "have",
        _rx(
            r"\bczy (mam|mamy|zostal\w*|masz|jeszcze mam|mam jeszcze)\b|^(mam|mamy|masz) (jeszcze )?\w+.{0,30}\?\s*$"
            r"|\bczy (jest|sa)\b.{0,30}\b(w )?(lodowce|spizarni|zamrazarce|domu|zapasach)\b"
            r"|\bczy w (lodowce|spizarni|zamrazarce|domu|zapasach) (jest|sa|mam|mamy)\b"
            r"|\b(do|have) (i|we) (still )?(have|got)\b|\bis there (any |some )?\w+|\bare there (any |some )?\w+"
            r"|\bany \w+( \w+)? left\b|\bhave i got\b|\bis (my|the) \w+( \w+)? still there\b"
            r"|^(got|any) (any |some )?\w+( \w+)?\s*\?\s*$"
        ),
    ),
    (
        "cook_with",
        _rx(
            r"\bco\b.{0,20}\b(ugotowac|zrobic|przygotowac|upiec|zjesc)\b.{0,20}\b(z|ze)\b"
            r"|\bwhat (can|could|should) (i|we) (cook|make|bake|prepare)\b.{0,20}\b(with|from|using)\b"
            r"|\b(przepis\w*|recipes?)\b.{0,10}\b(z|ze|with|using)\b"
        ),
    ),
)
# Words of the question itself, never part of an item's name (folded).
QUESTION_WORDS = frozenset(
    """kiedy konczy konczyc konczya skonczy uplywa mija traci straci termin terminu terminie waznosci waznosc
    wazny wazna wazne wazni przydatnosci data date daty do jaki jaka jakie ma maja czy moge mozna jeszcze
    zjesc jesc wypic pic uzyc zjem dobry dobra dobre dobrzy zdatny zdatna zdatne jadalny jadalne bezpieczny
    bezpieczne nadaje nadaja sie da ile mam mamy zostalo zostal zostala zostaly masz jest sa when does do will
    expire expires expiring expired expiry expiration go off bad due is are my the this these still good okay
    fine safe edible can could we i you eat drink use have got how much many left there any some until date
    dates best before use by sell of for on what which to dlugo jak bedzie beda psuje zepsuje przeterminuje
    przeterminuja sprawdz check please prosze powiedz tell me mi mnie lodowce lodowki spizarni zapasach
    fridge pantry freezer in w po plus what's whats expiry the a an about and long""".split()
)
NUMBER_TOKEN = _rx(r"[-+]?(?:\d+(?:[.,]\d+)?(?:e[-+]?\d+)|inf(?:inity)?|nan|\d+(?:[.,]\d+)?)")
BAD_QUANTITY = _rx(
    r"(?<![\w.,])(?P<q>[-−]\s*\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?e[-+]?\d+|nan|inf(?:inity)?|-?\d{7,}(?:[.,]\d+)?)"
    r"\s*(?P<u>kg|g|dag|ml|l|szt|sztuk\w*|litr\w*|pcs|pieces|opak\w*|x)?\b"
)
ZERO_QUANTITY = _rx(r"(?<![\w.,])0+(?:[.,]0+)?\s*(kg|g|dag|ml|l|szt|sztuk\w*|litr\w*|pcs|pieces|opak\w*)\b")
MAX_QUANTITY = 100_000


@dataclass(frozen=True)
class Question:
    kind: QuestionKind | None
    items: list[ItemMention] = field(default_factory=list)
    days: int | None = None  # the time frame of "what expires ..." questions
    bad_quantity: str | None = None


# "Czy jest mleko?" asks about the pantry only when it names a product ("czy jest upał?" does not).
IS_THERE = _rx(r"\bczy (jest|sa) (jeszcze )?(?P<item>\w+)")
QUESTION_CUE = _rx(
    r"\?|\b(czy|jak|jakiej|jaka|jaki|ile|gdzie|co|kiedy|how|what|can|should|is|are|do|does|where|which)\b"
)


def question_kind(text: str) -> QuestionKind | None:
    folded = fold(text)
    kind = next((kind for kind, pattern in KINDS if pattern.search(folded)), None)
    if kind == "storage" and not QUESTION_CUE.search(folded):
        return None  # "ser pleśniowy się zepsuł, wyrzucam go" reports, it does not ask
    if kind is None and (m := IS_THERE.search(folded)) and _is_product(m.group("item")):
        return "have"
    return kind


def _is_product(word: str) -> bool:
    from foodsave.agents.entities import ENGLISH_PRODUCTS, _lemma_table
    from foodsave.text import stem

    return stem(word) in _lemma_table() or word in ENGLISH_PRODUCTS


def bad_quantity(text: str) -> str | None:
    """A quantity that is not a positive, finite, sensible amount: `-5 kg`, `1e400 kg`, `NaN kg`, `10000000 g`."""
    folded = fold(text)
    if zero := ZERO_QUANTITY.search(folded):
        return zero.group(0).strip()
    for match in BAD_QUANTITY.finditer(folded):
        quantity, unit = match.group("q"), match.group("u")
        if quantity.lstrip("-−").strip().replace(",", "").replace(".", "").isdigit() and not unit:
            if not quantity.startswith(("-", "−")):
                continue  # a long plain number without a unit (a code, a year) is not a quantity
        if quantity.startswith(("-", "−")) and not unit and not re.search(r"\b(dodaj|add|kup|buy)\b", folded):
            continue  # "-" as a dash, not a sign
        return match.group(0).strip()
    return None


def mentioned_items(text: str) -> list[ItemMention]:
    """The items a question names, without its question words: "kiedy kończy się mleko?" -> [mleko]."""
    chunks: list[list[str]] = [[]]
    for token in _TOKEN.findall(text):
        folded = fold(token)
        if folded in _SEPARATORS and chunks[-1]:
            chunks.append([])
        elif folded not in _SEPARATORS and folded not in QUESTION_WORDS:
            chunks[-1].append(token)
    return [i for i in (parse_item(c) for c in chunks if c) if i is not None]


FRAMES: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (_rx(pattern), days)
    for pattern, days in (
        (r"\b(pojutrz\w*|day after tomorrow)\b", 2),
        (r"\b(dzis\w*|today|tonight)\b", 0),
        (r"\b(jutr\w*|tomorrow)\b", 1),
        (r"\b(tydzien|tygodni\w*|week\w*)\b", 7),
        (r"\bweekend\w*\b", 3),
        (r"\b(miesiac\w*|month)\b", 30),
    )
)


def time_frame(text: str) -> int | None:
    """Days ahead a "what expires" question looks: today 0, tomorrow 1, this week 7, "in 5 days" 5."""
    folded = fold(text)
    if m := re.search(r"\b(\d{1,2})\s*(dni|dnia|days?)\b", folded):
        return min(int(m.group(1)), 60)
    return next((days for pattern, days in FRAMES if pattern.search(folded)), None)


def understand(text: str) -> Question:
    """The question's kind (None for commands and anything else), its items and time frame."""
    kind = question_kind(text)
    items = (
        mentioned_items(text) if kind in ("expires_when", "have", "how_much", "still_ok", "storage") else []
    )
    return Question(kind, items, time_frame(text), bad_quantity(text))
