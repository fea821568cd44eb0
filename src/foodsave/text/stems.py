"""A light Polish stemmer with a few irregular lemmas and English synonyms: `mleka`, `milk` -> `mlek`;
`jajek`, `eggs` -> `jajk`. Good enough for joining inflected product names, not a morphological analyser."""

from __future__ import annotations

from functools import lru_cache

from foodsave.text.letters import fold

# Irregular forms suffix stripping cannot join, and the English names of everyday products.
LEMMAS = {
    "jaja": "jajko",
    "jaj": "jajko",
    "jajek": "jajko",
    "jajeczka": "jajko",
    "kartofle": "ziemniak",
    "kartofel": "ziemniak",
    "ziemniaczki": "ziemniak",
    "eggs": "jajko",
    "egg": "jajko",
    "milk": "mleko",
    "butter": "masło",
    "cheese": "ser",
    "bread": "chleb",
    "tomatoes": "pomidor",
    "tomato": "pomidor",
    "potatoes": "ziemniak",
    "potato": "ziemniak",
    "yogurt": "jogurt",
    "yoghurt": "jogurt",
    "yogurts": "jogurt",
    "yoghurts": "jogurt",
    "onion": "cebula",
    "onions": "cebula",
    "apple": "jabłko",
    "apples": "jabłko",
    "rice": "ryż",
    "chicken": "kurczak",
    "ham": "szynka",
    "sausage": "kiełbasa",
    "sausages": "kiełbasa",
    "carrot": "marchew",
    "carrots": "marchew",
    "banana": "banan",
    "bananas": "banan",
    "flour": "mąka",
    "sugar": "cukier",
    "cucumber": "ogórek",
    "cucumbers": "ogórek",
    "lemon": "cytryna",
    "lemons": "cytryna",
    "cream": "śmietana",
    "fish": "ryba",
    "salmon": "łosoś",
    "juice": "sok",
    "water": "woda",
    "beer": "piwo",
    "spinach": "szpinak",
    "avocado": "awokado",
    "avocados": "awokado",
    "garlic": "czosnek",
    "lettuce": "sałata",
    "mushroom": "pieczarka",
    "mushrooms": "pieczarka",
    "pork": "wieprzowina",
    "beef": "wołowina",
    "turkey": "indyk",
    "honey": "miód",
    "jam": "dżem",
    "kefir": "kefir",
    "strawberries": "truskawka",
    "strawberry": "truskawka",
}
_LEMMAS_FOLDED = {fold(k): v for k, v in LEMMAS.items()}
_SUFFIXES = sorted(
    "ami imi ymi ach ich ych owie ów ow om em iem ie ego emu ej ym im y i a e ę ą o u".split(),
    key=len,
    reverse=True,
)


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """Strip one inflectional ending (keeping at least three letters) and fold: `pomidorów` -> `pomidor`."""
    word = word.lower()
    word = _LEMMAS_FOLDED.get(fold(word), word)
    if not word.isdigit():
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
    folded = fold(word)
    # Fleeting e of genitive plurals: jabłek/jabłko, ogórek/ogórka, czosnek/czosnku.
    if len(folded) >= 5 and folded.endswith("ek") and folded[-3] not in "aeiouy":
        folded = folded[:-2] + "k"
    return folded
