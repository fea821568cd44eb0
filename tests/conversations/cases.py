"""The scripted conversations, by question type, each checked on the facts of its replies and the state they
leave. Dates follow the pantry of `world.py` (today 2025-01-15): milk +2, eggs +12, yoghurt +1, chicken -3,
gouda +20, rye bread -1, penne -585, tomatoes +4, butter +30, spinach 0."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.conversations.world import day

EXPIRED_NAMES = ["Kurczak filet", "Chleb żytni", "Makaron penne"]


@dataclass(frozen=True)
class Turn:
    message: str
    intent: str | None = None
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    source: str | None = None  # a source with this id, or of this type
    state: tuple[tuple[str, str, Any], ...] = ()  # (item name prefix, field, value) after the turn
    items: int | None = None  # how many pantry items (any status) exist after the turn
    shopping: tuple[str, ...] = ()  # open shopping-list names that must exist after the turn
    before: tuple[str, tuple[str, ...]] | None = None  # (marker, names absent before the marker)


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    lang: str
    turns: tuple[Turn, ...] = field(default_factory=tuple)


def case(id: str, kind: str, lang: str, *turns: Turn) -> Case:
    return Case(id, kind, lang, turns)


CASES: tuple[Case, ...] = (
    # -- when does X expire ------------------------------------------------------------------------------
    case("expiry-milk-pl", "expires_when", "pl",
         Turn("Kiedy kończy się ważność mleka?", "pantry", has=("Mleko", day(2), "za 2 dni"), lacks=("Jajka", "Szpinak"))),
    case("expiry-milk-en", "expires_when", "en",
         Turn("When does my milk expire?", "pantry", has=("Mleko", day(2), "in 2 days"), lacks=("Jajka", "Najpierw"))),
    case("expiry-yoghurt-pl", "expires_when", "pl",
         Turn("Do kiedy jest dobry jogurt?", "pantry", has=("Jogurt", day(1), "jutro"), lacks=("Mleko",))),
    case("expiry-eggs-en", "expires_when", "en",
         Turn("what's the expiry date of the eggs?", "pantry", has=("Jajka", day(12), "in 12 days"))),
    case("expiry-cheese-en", "expires_when", "en",
         Turn("when is the cheese good until?", "pantry", has=("Ser gouda", day(20), "in 20 days"), lacks=("Masło",))),
    case("expiry-chicken-past-pl", "expires_when", "pl",
         Turn("Jaki termin ważności ma kurczak?", "pantry", has=("Kurczak", "3 dni temu", "nie jedz"), lacks=("Tak",))),
    # -- do I have X ------------------------------------------------------------------------------------
    case("have-butter-pl", "have", "pl",
         Turn("Czy mam masło?", "pantry", has=("Tak", "Masło"), lacks=("Mleko",))),
    case("have-cheese-en", "have", "en",
         Turn("Do I have any cheese?", "pantry", has=("Yes", "Ser gouda"), lacks=("Masło",))),
    case("have-none-pl", "have", "pl",
         Turn("Czy mam awokado?", "pantry", has=("Nie masz", "awokado"), lacks=("Mleko", "Jajka", "Tak"))),
    case("have-none-en", "have", "en",
         Turn("Do I have any salmon?", "pantry", has=("don't have", "salmon"), lacks=("Mleko", "Yes"))),
    case("have-short-en", "have", "en",
         Turn("got any eggs?", "pantry", has=("Yes", "Jajka", "10 pcs"))),
    case("have-tomatoes-en", "have", "en",
         Turn("are there any tomatoes left?", "pantry", has=("Yes", "Pomidory", "1 kg"))),
    # -- how much X --------------------------------------------------------------------------------------
    case("howmuch-eggs-pl", "how_much", "pl",
         Turn("Ile mam jajek?", "pantry", has=("Jajka", "10 szt"), lacks=("zł", "wyda"))),
    case("howmuch-eggs-en", "how_much", "en",
         Turn("How many eggs do I have?", "pantry", has=("Jajka", "10 pcs"), lacks=("PLN", "szt"))),
    case("howmuch-milk-pl", "how_much", "pl",
         Turn("ile zostało mi mleka?", "pantry", has=("Mleko", "2 szt"))),
    case("howmuch-left-pl", "how_much", "pl",
         Turn("ile jajek mi zostało?", "pantry", has=("Jajka", "10 szt"), lacks=("zł",))),
    case("howmuch-spinach-en", "how_much", "en",
         Turn("how much spinach have I got?", "pantry", has=("Szpinak", "150 g", "today"))),
    # -- what expires ------------------------------------------------------------------------------------
    case("expiring-week-pl", "expiring", "pl",
         Turn("Co się kończy w tym tygodniu?", "pantry", has=("Mleko", "Jogurt", "Szpinak", "Pomidory"),
              lacks=("Jajka", "Masło"), before=("Po terminie", tuple(EXPIRED_NAMES)))),
    case("expiring-first-en", "expiring", "en",
         Turn("What should I eat first?", "pantry", has=("Jogurt", "Szpinak"),
              before=("Past their date", tuple(EXPIRED_NAMES)))),
    case("expiring-tomorrow-en", "expiring", "en",
         Turn("what expires by tomorrow?", "pantry", has=("Jogurt", "Szpinak"), lacks=("Pomidory", "Jajka"),
              before=("Past their date", tuple(EXPIRED_NAMES)))),
    case("expiring-use-up-en", "expiring", "en",
         Turn("what do I need to use up?", "pantry", has=("Jogurt", "Szpinak", "Mleko"),
              before=("Past their date", tuple(EXPIRED_NAMES)))),
    case("expiring-short-date-pl", "expiring", "pl",
         Turn("pokaż produkty z krótką datą", "pantry", has=("Jogurt", "Szpinak"),
              before=("Po terminie", tuple(EXPIRED_NAMES)))),
    case("expiring-soon-pl", "expiring", "pl",
         Turn("co muszę szybko zjeść?", "pantry", has=("Jogurt", "Szpinak", "Mleko"),
              before=("Po terminie", tuple(EXPIRED_NAMES)))),
    # -- what is expired ---------------------------------------------------------------------------------
    case("expired-pl", "expired", "pl",
         Turn("Co jest po terminie?", "pantry", has=(*EXPIRED_NAMES, "nie jedz", "585 dni temu"),
              lacks=("Mleko", "Jogurt"), source="data-minimalnej-trwalosci-a-termin-przydatnosci")),
    case("expired-en", "expired", "en",
         Turn("What has expired?", "pantry", has=(*EXPIRED_NAMES, "do not eat", "yesterday", "3 days ago"),
              lacks=("Mleko",), source="data-minimalnej-trwalosci-a-termin-przydatnosci")),
    case("expired-which-pl", "expired", "pl",
         Turn("które produkty są przeterminowane?", "pantry", has=("Kurczak", "należy spożyć do", "najlepiej spożyć przed"))),
    # -- can I still eat X -------------------------------------------------------------------------------
    case("stillok-yoghurt-pl", "still_ok", "pl",
         Turn("Czy mogę jeszcze zjeść jogurt?", "pantry", has=("Tak", "Jogurt", day(1)), lacks=("nie jedz",))),
    case("stillok-chicken-en", "still_ok", "en",
         Turn("Is the chicken still good?", "pantry", has=("Kurczak", "use by", "do not eat"), lacks=("Yes",),
              source="data-minimalnej-trwalosci-a-termin-przydatnosci")),
    case("stillok-bread-pl", "still_ok", "pl",
         Turn("Czy chleb jest jeszcze dobry?", "pantry", has=("Chleb", "wczoraj", "najlepiej spożyć przed", "sprawdz"),
              lacks=("Tak —",))),
    case("stillok-question-never-eats-en", "still_ok", "en",
         Turn("can I eat the yogurt?", "pantry", has=("Jogurt",), state=(("Jogurt naturalny", "status", "active"),))),
    case("stillok-pasta-en", "still_ok", "en",
         Turn("can I still eat the penne?", "pantry", has=("Makaron penne", "585 days ago", "best before"), lacks=("Yes",))),
    # -- how to store X (knowledge) ------------------------------------------------------------------------
    case("storage-yoghurt-pl", "storage", "pl",
         Turn("Jak długo można przechowywać otwarty jogurt w lodówce?", "documents", has=("3–5 dni",),
              lacks=("Mleko 3,2%", "Najpierw"), source="jogurt-kefir-smietana")),
    case("storage-yoghurt-en", "storage", "en",
         Turn("How long can I keep an opened yogurt in the fridge?", "documents", has=("3–5",),
              source="jogurt-kefir-smietana")),
    case("storage-bread-pl", "storage", "pl",
         Turn("Jak przechowywać chleb, żeby nie pleśniał?", "documents", source="knowledge")),
    case("storage-cooking-pl", "storage", "pl",
         Turn("W jakiej temperaturze w środku powinien być upieczony kurczak?", "documents", has=("74",),
              source="bezpieczne-temperatury-gotowania")),
    case("storage-after-date-en", "storage", "en",
         Turn("Can I eat yogurt after the use by date?", "documents", has=("należy spożyć do",),
              source="jogurt-kefir-smietana", state=(("Jogurt naturalny", "status", "active"),))),
    case("storage-open-jar-pl", "storage", "pl",
         Turn("Jak długo wytrzyma otwarty słoik dżemu w lodówce?", "documents", has=("Dżemy",),
              source="otwarte-sloiki-i-puszki")),
    case("storage-butter-en", "storage", "en",
         Turn("how long does butter keep?", "documents", source="przechowywanie-masla")),
    case("storage-tomatoes-en", "storage", "en",
         Turn("should tomatoes go in the fridge?", "documents", source="przechowywanie-warzyw", lacks=("Pomidory (",))),
    case("storage-unknown-pl", "storage", "pl",
         Turn("Jak przechowywać kawior z jesiotra?", "documents", has=("Nie znalazłem",), lacks=("Mleko",))),
    case("storage-unknown-en", "storage", "en",
         Turn("How should I store durian?", "documents", has=("found nothing",))),
    # -- what can I cook with X --------------------------------------------------------------------------
    case("cook-eggs-pl", "cook_with", "pl",
         Turn("Co mogę ugotować z jajek?", "recipe", source="recipe", lacks=tuple(EXPIRED_NAMES))),
    case("cook-chicken-en", "cook_with", "en",
         Turn("What can I cook with chicken?", "recipe", source="recipe", lacks=tuple(EXPIRED_NAMES))),
    case("cook-dinner-pl", "cook_with", "pl",
         Turn("Co ugotować na obiad z tego, co mam?", "recipe", source="recipe", lacks=tuple(EXPIRED_NAMES))),
    # -- add / eat / throw away / remove ------------------------------------------------------------------
    case("add-bananas-pl", "add", "pl",
         Turn("dodaj 3 banany", "pantry", has=("Dodałem",), state=(("Banan", "quantity", "3"), ("Banan", "category", "fruit")))),
    case("add-potatoes-en", "add", "en",
         Turn("add 2 kg of potatoes to my pantry", "pantry", has=("Added", "2 kg"), lacks=("szt", "ważne"),
              state=(("Potato", "unit", "kg"),))),
    case("eat-yoghurt-pl", "consume", "pl",
         Turn("zjadłem jogurt", "pantry", has=("zjedzone",), state=(("Jogurt naturalny", "status", "consumed"),))),
    case("eat-eggs-en", "consume", "en",
         Turn("I ate 4 eggs", "pantry", has=("eaten", "6 pcs left"), state=(("Jajka", "quantity", "6"),))),
    case("discard-chicken-pl", "discard", "pl",
         Turn("wyrzuciłem kurczaka", "pantry", has=("wyrzucone",), state=(("Kurczak filet", "status", "discarded"),))),
    case("discard-bread-en", "discard", "en",
         Turn("I threw the bread away", "pantry", state=(("Chleb żytni", "status", "discarded"),))),
    case("discard-unknown-pl", "discard", "pl",
         Turn("wyrzuciłem awokado", "pantry", has=("Nie masz",), items=10)),
    # -- plan meals --------------------------------------------------------------------------------------
    case("plan-pl", "plan", "pl",
         Turn("Zaplanuj posiłki na 2 dni", "meal_plan", has=("Plan na 2 dni",), source="recipe",
              lacks=("Kurczak filet", "Makaron penne", "Chleb żytni", "jajko 1", "masło 1"))),
    case("plan-weekend-pl", "plan", "pl",
         Turn("zrób plan posiłków na weekend", "meal_plan", has=("Plan na 2 dni",), lacks=tuple(EXPIRED_NAMES))),
    case("plan-en", "plan", "en",
         Turn("plan my meals for 1 day", "meal_plan", has=("Plan for 1 day",), source="recipe")),
    # -- spending ----------------------------------------------------------------------------------------
    case("spending-pl", "spending", "pl",
         Turn("Ile wydałem w tym miesiącu?", "shopping", has=("87,40 zł",))),
    case("spending-en", "spending", "en",
         Turn("How much did I spend this month?", "shopping", has=("PLN 87.40", "1 receipt"))),
    # -- bad input ---------------------------------------------------------------------------------------
    case("bad-huge-pl", "bad_quantity", "pl",
         Turn("dodaj 1e400 kg mąki", "pantry", has=("Nie mogę",), items=10)),
    case("bad-nan-en", "bad_quantity", "en",
         Turn("add NaN kg flour", "pantry", has=("can't use",), items=10)),
    case("bad-zero-pl", "bad_quantity", "pl",
         Turn("dodaj 0 kg cukru", "pantry", has=("Nie mogę",), items=10)),
    case("bad-negative-pl", "bad_quantity", "pl",
         Turn("dodaj -5 kg ziemniaków", "pantry", has=("Nie mogę",), items=10)),
    case("bad-negative-list-pl", "bad_quantity", "pl",
         Turn("dodaj -5 kg ziemniaków do listy zakupów", "shopping", has=("Nie mogę",), lacks=("Dopisałem",))),
    case("list-add-en", "add", "en",
         Turn("add 2 packs of butter to my shopping list", "shopping", has=("Added", "2 packs"), lacks=("opak",),
              shopping=("butter",))),
    # -- follow-ups --------------------------------------------------------------------------------------
    case("followup-have-pl", "follow_up", "pl",
         Turn("Czy mam mleko?", "pantry", has=("Tak", "Mleko")),
         Turn("a jajka?", "pantry", has=("Tak", "Jajka"), lacks=("Mleko",))),
    case("followup-chain-pl", "follow_up", "pl",
         Turn("masz jeszcze mleko?", "pantry", has=("Tak", "Mleko")),
         Turn("a ser?", "pantry", has=("Ser gouda",), lacks=("Mleko",)),
         Turn("a kurczaka?", "pantry", has=("Kurczak", "nie jedz"), lacks=("Mleko", "Ser gouda"))),
    case("followup-expiry-en", "follow_up", "en",
         Turn("When does the milk expire?", "pantry", has=(day(2),)),
         Turn("and the yogurt?", "pantry", has=("Jogurt", day(1)), lacks=("Mleko",))),
)  # fmt: skip
KINDS = tuple(dict.fromkeys(c.kind for c in CASES))
