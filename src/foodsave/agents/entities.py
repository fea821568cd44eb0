"""What a chat message says, beyond its intent: pantry commands with items and quantities ("dodaj 2 mleka",
"zjadłem pół chleba"), periods ("w zeszłym tygodniu"), diet tags, number of days, cities and shops."""

from __future__ import annotations

import calendar
import re
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from foodsave.text import fold

PantryAction = Literal["add", "consume", "discard", "check", "expiring", "list"]

NUMBER_WORDS = {
    "jeden": 1, "jedna": 1, "jedno": 1, "jednego": 1, "jedną": 1, "jedna.": 1, "dwa": 2, "dwie": 2, "dwoch": 2,
    "trzy": 3, "trzech": 3, "cztery": 4, "czterech": 4, "piec": 5, "szesc": 6, "siedem": 7, "osiem": 8,
    "dziewiec": 9, "dziesiec": 10, "tuzin": 12, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "dozen": 12, "kilka": 3, "few": 3,
    "pare": 2, "couple": 2,
}  # fmt: skip
FRACTIONS = {"pol": Decimal("0.5"), "polowe": Decimal("0.5"), "polowa": Decimal("0.5"), "polowy": Decimal("0.5"),
             "half": Decimal("0.5"), "cwierc": Decimal("0.25"), "quarter": Decimal("0.25")}  # fmt: skip
UNITS = (
    (r"kg|kilo|kilogram\w*|kilos?", "kg"),
    (r"dag|deko", "dag"),
    (r"g|gr|gram\w*|grams?", "g"),
    (r"ml|mililitr\w*|millilit\w*", "ml"),
    (r"l|litr\w*|liter\w*|litre\w*", "l"),
    (r"szt|sztuk\w*|pieces?|pcs", "szt"),
    (
        r"opak\w*|paczk\w*|packs?|packets?|packages?|kartonu?|kartony|cartons?|butel\w*|bottles?|puszk\w*|cans?",
        "opak",
    ),
)
_UNIT_RX = re.compile(r"^(?:" + "|".join(f"(?P<u{i}>{p})" for i, (p, _) in enumerate(UNITS)) + r")$")

ACTION_PATTERNS: tuple[tuple[PantryAction, re.Pattern[str]], ...] = (
    (
        "discard",
        re.compile(
            r"\b(wyrzuc\w*|wylal\w*|wylej\w*|wyrzuc|zepsul\w*|zepsu\w*|splesni\w*|zgnil\w*|usun\w*|skasuj\w*"
            r"|threw|throw\w*|toss\w*|binned|bin|discard\w*|spoil\w*|went (bad|off)|gone (bad|off)|rotten|mou?ldy"
            r"|remove|delete|trash\w*|wasted?)\b"
        ),
    ),
    (
        "consume",
        re.compile(
            r"\b(zjad\w*|zjedl\w*|zjedz\w*|zjedzon\w*|zjes\w*|wypil\w*|wypit\w*|zuzyl\w*|zuzy\w*|skonczyl\w*"
            r"|ugotowal\w*|upiekl\w*|ate|eaten|eat|drank|drunk|finished|used|use up|cooked|consum\w*|gone)\b"
        ),
    ),
    (
        "add",
        re.compile(
            r"\b(dodaj\w*|dopisz\w*|wrzuc\w*|wpisz\w*|kupil\w*|kupion\w*|dorzuc\w*|zapisz\w*|add\w*|put|bought|got"
            r"|log|insert|store|mam \d+|have \d+)\b"
        ),
    ),
    (
        "check",
        re.compile(
            r"\b(czy (mam|mamy|jest|sa|zostal\w*)|ile (mam|mamy|jest|zostalo)|do (i|we) (have|still have)"
            r"|is there|are there|how (much|many)|check if|any \w+ left|sprawdz,? czy)\b"
        ),
    ),
    (
        "expiring",
        re.compile(
            r"\b(koncz\w*|przetermin\w*|termin\w*|waznos\w*|psuj\w*|expir\w*|go(es)? off|best before|use by"
            r"|first|szybko zjesc|do jutra|niedlugo)\b"
        ),
    ),
)
# Words that carry no item: verbs, places, pronouns and fillers in both languages (folded).
FILLER = frozenset(
    """a i oraz ze z w we do na od po u juz wlasnie jeszcze cale cala caly calego calej caly ostatni ostatnia
    ostatnie ostatniego ostatnia wszystkie wszystko moje moj moja mi mnie mam mamy sobie go je ja sie jako
    lodowki lodowce lodowka spizarni spizarnia zapasow zapasy zamrazarki zamrazarce domu szafki dzis dzisiaj
    wczoraj rano byl byla bylo byly bo prosze please the a an my our some of to into in from at as my pantry
    fridge freezer stock just all last whole i we it them its that this was were has have had and also
    produkt produkty rzecz rzeczy item items zjedzony zjedzona zjedzone mark marked oznacz already off
    spleśniały splesnialy spleśniała zepsuty zepsuta zepsute kwasne kwasny kwasna bad went gone away out
    bin trash up left any still ile czy jest sa how much many is are there have do""".split()
)
SPLIT = re.compile(r",|;|\bi\b|\boraz\b|\band\b|&|\+")
EXPIRY = re.compile(
    r"\b(wazn\w*|przydatn\w*|termin\w*|expir\w*|good|best|use)\b\s*(do|until|till|by|on|before)?\s*"
    r"(?P<when>[\w.\-/]+(?:\s+(?:\w+))?)"
)
WEEKDAYS = {
    "poniedzial": 0, "wtor": 1, "srod": 2, "czwart": 3, "piat": 4, "sobot": 5, "niedziel": 6, "monday": 0,
    "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
MONTHS: tuple[tuple[str, int], ...] = (
    (r"stycz\w*|january|jan", 1), (r"lut\w*|february|feb", 2), (r"marzec|marca|marcu|march|mar", 3),
    (r"kwie\w*|april|apr", 4), (r"maj|maja|maju|may", 5), (r"czerw\w*|june|jun", 6), (r"lip\w*|july|jul", 7),
    (r"sierp\w*|august|aug", 8), (r"wrzes\w*|september|sept?", 9), (r"pazdziernik\w*|october|oct", 10),
    (r"listopad\w*|november|nov", 11), (r"grud\w*|december|dec", 12),
)  # fmt: skip
_MONTH_RX = [(re.compile(rf"^(?:{p})$"), n) for p, n in MONTHS]


def month_of(word: str) -> int | None:
    return next((n for rx, n in _MONTH_RX if rx.match(word)), None)


# Nominative names of common products; genitive and plural forms are mapped onto them by stem.
BASE_PRODUCTS = """mleko chleb bułka jogurt jajko ser serek masło banan jabłko pomidor ogórek kurczak mięso szynka
kiełbasa ryż makaron ziemniak marchew cebula czosnek sałata kefir śmietana twaróg twarożek sok woda piwo wino kawa
herbata mąka cukier sól olej oliwa łosoś tuńczyk cukinia papryka brokuł kalafior truskawka malina jagoda borówka
gruszka śliwka pomarańcza cytryna mandarynka awokado szpinak kapusta por seler burak groszek fasola soczewica
ciecierzyca kasza płatki musli orzechy rodzynki czekolada ciastko dżem miód majonez ketchup musztarda parówka
boczek wędlina schab karkówka indyk kaczka dorsz śledź krewetki tofu hummus pesto bagietka rogal chałka pieczywo
lody pizza pierogi kiszonki ogórki kefir maślanka jogurty""".split()


ENGLISH_PRODUCTS = frozenset(
    """milk bread roll yogurt yoghurt egg cheese butter banana apple tomato cucumber chicken meat ham sausage rice
    pasta potato carrot onion garlic lettuce juice water beer wine coffee tea flour sugar salt oil salmon tuna
    zucchini pepper broccoli cauliflower strawberry raspberry blueberry pear plum orange lemon avocado spinach
    cabbage bean lentil oat cereal nut chocolate cookie jam honey kefir cream bacon turkey cod tofu bagel
    croissant baguette mushroom grape peach melon watermelon mince beef pork""".split()
)


@dataclass(frozen=True)
class ItemMention:
    name: str
    quantity: Decimal | None = None
    unit: str | None = None
    fraction: Decimal | None = None


@dataclass(frozen=True)
class PantryCommand:
    action: PantryAction
    items: list[ItemMention] = field(default_factory=list)
    expires_at: date | None = None


_lemma_lock = threading.Lock()
_lemmas: dict[str, str] | None = None


def _lemma_table() -> dict[str, str]:
    """Stem -> nominative product name, from the base list and the recipe corpus' ingredient names."""
    global _lemmas
    with _lemma_lock:
        if _lemmas is None:
            from foodsave.text import stem

            names = list(BASE_PRODUCTS)
            try:
                from foodsave.recipes.catalog import RecipeCatalog

                for recipe in RecipeCatalog.default().all():
                    names.extend(i.normalized for i in recipe.ingredients if " " not in i.normalized)
            except Exception:  # noqa: BLE001, S110 - the corpus only widens the table
                pass
            table: dict[str, str] = {}
            for name in names:
                table.setdefault(stem(name), name)
            _lemmas = table
        return _lemmas


def singular(word: str) -> str:
    """English plural to singular for product words: `tomatoes` -> `tomato`, `berries` -> `berry`."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("oes") and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def lemmatize(word: str) -> str:
    """`mleka` -> `mleko`, `jajek` -> `jajko`, `pomidorów` -> `pomidor`, `milks` -> `milk`; unknown words
    stay as written."""
    from foodsave.text import stem

    lowered = word.lower()
    if lowered.isascii() and singular(lowered) in ENGLISH_PRODUCTS:
        return singular(lowered)
    if lowered in ENGLISH_PRODUCTS:
        return lowered
    return _lemma_table().get(stem(lowered), lowered)


def _to_decimal(token: str) -> Decimal | None:
    try:
        value = Decimal(token.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def _unit(token: str) -> str | None:
    match = _UNIT_RX.match(token)
    if not match:
        return None
    for i, (_, unit) in enumerate(UNITS):
        if match.group(f"u{i}"):
            return unit
    return None


def _is_action_word(folded: str) -> bool:
    return any(pattern.fullmatch(folded) for _, pattern in ACTION_PATTERNS)


def parse_item(tokens: list[str]) -> ItemMention | None:
    """`2 mleka` -> (mleko, 2), `pół chleba` -> (chleb, fraction 0.5), `1 kg ziemniaków` -> (ziemniak, 1, kg),
    `ser żółty 200 g` -> (ser żółty, 200, g); None when nothing but fillers is left."""
    quantity: Decimal | None = None
    unit: str | None = None
    fraction: Decimal | None = None
    name_words: list[str] = []
    after_number = False
    for token in tokens:
        folded = fold(token)
        if quantity is None and fraction is None and re.fullmatch(r"\d+(?:[.,]\d+)?", token):
            quantity = _to_decimal(token)
            after_number = quantity is not None
            continue
        if after_number and unit is None:
            after_number = False
            found = _unit(folded)
            if found:
                unit = found
                continue
        if quantity is None and fraction is None and not name_words:
            if folded in FRACTIONS:
                fraction = FRACTIONS[folded]
                after_number = True
                continue
            if folded in NUMBER_WORDS:
                quantity = Decimal(NUMBER_WORDS[folded])
                after_number = True
                continue
        if folded in FILLER or len(folded) < 2 or _is_action_word(folded):
            continue
        name_words.append(token.lower())
    if not name_words:
        return None
    if fraction is not None and unit is not None:
        quantity, fraction = fraction, None
    if unit == "dag" and quantity is not None:
        quantity, unit = quantity * 10, "g"
    name_words[0] = lemmatize(name_words[0])
    return ItemMention(name=" ".join(name_words), quantity=quantity, unit=unit, fraction=fraction)


_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)?|[,;&+]")
_SEPARATORS = frozenset({",", ";", "&", "+", "i", "oraz", "and", "a", "plus"})


def upcoming(today: date, month: int, day: int) -> date | None:
    """The first `day`.`month` on or after `today`; 29 February waits for the next leap year; None if no such day."""
    for year in range(today.year, today.year + 5):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


def parse_date(text: str, today: date) -> date | None:
    """`jutro`, `piątku`, `friday`, `20 maja`, `may 20`, `20.05`, `2030-05-20` relative to `today`."""
    folded = fold(text)
    if re.search(r"\b(pojutrz\w*|day after tomorrow)\b", folded):
        return today + timedelta(days=2)
    if re.search(r"\b(jutr\w*|tomorrow)\b", folded):
        return today + timedelta(days=1)
    if m := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", folded):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if m := re.search(r"\b(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?\b", folded):
        if not m.group(3):
            return upcoming(today, int(m.group(2)), int(m.group(1)))
        year = int(m.group(3))
        try:
            return date(year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    for m in re.finditer(r"\b(\d{1,2})\s+([a-z]+)|\b([a-z]+)\s+(\d{1,2})\b", folded):
        day_s, month_s = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        month = month_of(month_s)
        if month:
            return upcoming(today, month, int(day_s))
    for prefix, weekday in WEEKDAYS.items():
        if re.search(rf"\b{prefix}\w*", folded):
            ahead = (weekday - today.weekday()) % 7
            return today + timedelta(days=ahead or 7)
    return None


def parse_pantry_command(text: str, today: date | None = None) -> PantryCommand:
    """The action and the items of a pantry message."""
    folded = fold(text)
    found = {action for action, pattern in ACTION_PATTERNS if pattern.search(folded)}
    expires_at = None
    body = text
    if m := EXPIRY.search(folded):
        if today is not None:
            expires_at = parse_date(m.group(0), today)
        # The expiry phrase names a date, not an item.
        body = text[: m.start()] if len(folded) == len(text) else folded[: m.start()]
    chunks: list[list[str]] = [[]]
    for token in _TOKEN.findall(body):
        if fold(token) in _SEPARATORS and chunks[-1]:
            chunks.append([])
        elif fold(token) not in _SEPARATORS:
            chunks[-1].append(token)
    items = [i for i in (parse_item(c) for c in chunks if c) if i is not None]
    for mutation in ("discard", "consume", "add"):
        if mutation in found and (items or mutation != "add"):
            return PantryCommand(mutation, items, expires_at)
    if "check" in found and items:
        return PantryCommand("check", items)
    if "expiring" in found:
        return PantryCommand("expiring")
    return PantryCommand("list")


# --- periods, diets, days, places -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str  # e.g. "this_month", "last_week", "last_30_days", "2030-05"


def parse_period(text: str, today: date) -> Period:
    """The time span a spending question means; this month when it names none."""
    folded = fold(text)
    month_start = today.replace(day=1)
    if re.search(r"\b(dzis\w*|today)\b", folded):
        return Period(today, today, "today")
    if re.search(r"\b(wczoraj\w*|yesterday)\b", folded):
        day = today - timedelta(days=1)
        return Period(day, day, "yesterday")
    if m := re.search(r"\b(ostatni\w*|last|past)\s+(\d{1,3})\s+(dni|days?|tygodni\w*|weeks?)\b", folded):
        n = int(m.group(2)) * (7 if m.group(3).startswith(("tyg", "week")) else 1)
        return Period(today - timedelta(days=n - 1), today, f"last_{n}_days")
    if re.search(r"\b(zeszl\w*|poprzedni\w*|ubiegl\w*|last|previous)\s+(tydz\w*|tygodni\w*|week)\b", folded):
        start = today - timedelta(days=today.weekday() + 7)
        return Period(start, start + timedelta(days=6), "last_week")
    if re.search(r"\b(ten|tym|this|biezac\w*)\s+(tydz\w*|tygodni\w*|week)\b", folded):
        return Period(today - timedelta(days=today.weekday()), today, "this_week")
    if re.search(r"\b(zeszl\w*|poprzedni\w*|ubiegl\w*|last|previous)\s+(miesi\w*|month)\b", folded):
        end = month_start - timedelta(days=1)
        return Period(end.replace(day=1), end, "last_month")
    if re.search(r"\b(ten|tym|this|biezac\w*)\s+(rok\w*|roku|year)\b", folded):
        return Period(date(today.year, 1, 1), today, "this_year")
    if re.search(r"\b(zeszl\w*|poprzedni\w*|last|previous)\s+(rok\w*|roku|year)\b", folded):
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), "last_year")
    for word in re.findall(r"[a-z]+", folded):
        month = month_of(word) if len(word) >= 3 else None
        if month:
            year = today.year if month <= today.month else today.year - 1
            start = date(year, month, 1)
            end = date(year, month, calendar.monthrange(year, month)[1])
            return Period(start, min(end, today), f"{year}-{month:02d}")
    return Period(month_start, today, "this_month")


SPEND_CATEGORIES = (
    (r"nabial\w*|dairy|mlecz\w*", "dairy"),
    (r"pieczyw\w*|bread|bakery", "bakery"),
    (r"mieso|miesa|miesie|miesem|miesn\w*|wedlin\w*|meat", "meat"),
    (r"ryb\w*|fish|seafood", "fish"),
    (r"owoc\w*|fruits?", "fruit"),
    (r"warzyw\w*|vegetables?|veggies", "vegetables"),
    (r"mrozon\w*|frozen", "frozen"),
    (r"slodycz\w*|sweets|snack\w*|przekas\w*|chips\w*", "snacks"),
    (r"napoj\w*|napoi|drinks?|beverages?", "beverages"),
    (r"alkohol\w*|alcohol|piwo|piwa|wino|wina|beer|wine", "alcohol"),
    (r"chemi\w*|household|srodki czystosci", "household"),
    (r"kosmetyk\w*|cosmetics", "cosmetics"),
)
MERCHANTS: tuple[tuple[str, str], ...] = (
    (r"biedron\w*", "Biedronka"), (r"lidl\w*", "Lidl"), (r"zab(k|c)\w*", "Żabka"), (r"auchan\w*", "Auchan"),
    (r"carrefour\w*", "Carrefour"), (r"kaufland\w*", "Kaufland"), (r"netto", "Netto"), (r"dino", "Dino"),
    (r"rossmann\w*", "Rossmann"), (r"aldi\w*", "Aldi"), (r"stokrot(k|c)\w*", "Stokrotka"), (r"lewiatan\w*", "Lewiatan"),
    (r"tesco", "Tesco"), (r"intermarche", "Intermarche"), (r"polomarke\w*", "Polomarket"), (r"spar", "Spar"),
)  # fmt: skip


def parse_spend_category(text: str) -> str | None:
    folded = fold(text)
    for pattern, category in SPEND_CATEGORIES:
        if re.search(rf"\b({pattern})\b", folded):
            return category
    return None


def parse_merchant(text: str) -> str | None:
    folded = fold(text)
    for pattern, merchant in MERCHANTS:
        if re.search(rf"\b{pattern}\b", folded):
            return merchant
    return None


def parse_diet_tags(text: str) -> tuple[str, ...]:
    folded = fold(text)
    tags: list[str] = []
    if re.search(
        r"\b(wegetarian\w*|vegetarian\w*|jarsk\w*|bez mies\w*|bezmies\w*|without meat|meat.?free|no meat)",
        folded,
    ):
        tags.append("vegetarian")
    if re.search(r"\b(wegan\w*|vegan\w*|roslinn\w*|plant.?based)", folded):
        tags.append("vegan")
    if re.search(r"\b(bezgluten\w*|bez glutenu|gluten.?free|without gluten|no gluten)", folded):
        tags.append("gluten_free")
    return tuple(tags)


def parse_days(text: str, default: int = 3, maximum: int = 14) -> int:
    folded = fold(text)
    if re.search(r"\b(tydzien|tygodni\w*|week(?!end)\w*|7.?dni\w*)\b", folded):
        days = 7
    elif re.search(r"\bweekend\w*\b", folded):
        days = 2
    elif re.search(r"\b(jutro i pojutrze|tomorrow and the day after)\b", folded):
        days = 2
    elif m := re.search(r"\b(\d{1,2})\s*[- ]?\s*(dni\w*|dniow\w*|days?|day)\b", folded):
        days = int(m.group(1))
    elif m := re.search(r"\b([a-z]+)\s+(dni|days)\b", folded):
        days = NUMBER_WORDS.get(m.group(1), default)
    elif re.search(r"\b(jutro|tomorrow|dzis\w*|today)\b", folded):
        days = 1
    else:
        days = default
    return max(1, min(days, maximum))


CITIES: dict[str, tuple[str, float, float]] = {
    "warszaw": ("Warszawa", 52.23, 21.01),
    "warsaw": ("Warszawa", 52.23, 21.01),
    "krakow": ("Kraków", 50.06, 19.94),
    "cracow": ("Kraków", 50.06, 19.94),
    "gdans": ("Gdańsk", 54.35, 18.65),
    "gdyni": ("Gdynia", 54.52, 18.53),
    "sopo": ("Sopot", 54.44, 18.56),
    "wroclaw": ("Wrocław", 51.11, 17.03),
    "poznan": ("Poznań", 52.41, 16.93),
    "lodz": ("Łódź", 51.76, 19.46),
    "szczecin": ("Szczecin", 53.43, 14.55),
    "lublin": ("Lublin", 51.25, 22.57),
    "katowic": ("Katowice", 50.26, 19.02),
    "bialystok": ("Białystok", 53.13, 23.16),
    "bialymstoku": ("Białystok", 53.13, 23.16),
    "bydgoszcz": ("Bydgoszcz", 53.12, 18.01),
    "torun": ("Toruń", 53.01, 18.6),
    "rzeszow": ("Rzeszów", 50.04, 22.0),
    "olsztyn": ("Olsztyn", 53.78, 20.48),
    "kielc": ("Kielce", 50.87, 20.63),
    "opol": ("Opole", 50.67, 17.93),
    "zakopan": ("Zakopane", 49.3, 19.95),
}
DEFAULT_CITY = CITIES["warszaw"]


def parse_city(text: str) -> tuple[str, float, float] | None:
    folded = fold(text)
    for prefix, city in CITIES.items():
        if re.search(rf"\b{prefix}\w*", folded):
            return city
    return None


def parse_day_offset(text: str, today: date) -> int:
    """0 for today, 1 for tomorrow, n for a named weekday n days ahead (forecast day)."""
    folded = fold(text)
    if re.search(r"\b(pojutrz\w*|day after tomorrow)\b", folded):
        return 2
    if re.search(r"\b(jutr\w*|tomorrow)\b", folded):
        return 1
    if re.search(r"\bweekend\w*\b", folded):
        return (5 - today.weekday()) % 7
    for prefix, weekday in WEEKDAYS.items():
        if re.search(rf"\b{prefix}\w*", folded):
            return (weekday - today.weekday()) % 7
    return 0
