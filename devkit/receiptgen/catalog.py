"""What the generated receipts are made of: products with prices, chain headers, VAT letters, and the
generator's own money rounding and formatting (independent of the parser's)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# (printed name, category, typical price, sold by weight)
PRODUCTS: tuple[tuple[str, str, str, bool], ...] = (
    ("Mleko UHT 3,2% 1L", "dairy", "3.49", False),
    ("MlekoŁaciate2%1L", "dairy", "3.99", False),
    ("SerekWiejski200g", "dairy", "2.79", False),
    ("MasłoOsełMIDol300g", "dairy", "8.99", False),
    ("Jogurt natur. 400g", "dairy", "2.99", False),
    ("Ser Gouda plastry 150g", "dairy", "5.49", False),
    ("Śmietana 18% 400g", "dairy", "4.29", False),
    ("Twaróg półtłusty 250g", "dairy", "3.89", False),
    ("Jaja L 10szt", "dairy", "9.99", False),
    ("Kefir 400ml", "dairy", "2.49", False),
    ("Mozzarella 125g", "dairy", "3.29", False),
    ("Chleb Baltonowski 500g", "bakery", "4.99", False),
    ("Bułka kajzerka", "bakery", "0.49", False),
    ("Bagietka francuska", "bakery", "2.99", False),
    ("Chleb żytni razowy", "bakery", "5.49", False),
    ("Rogal maślany", "bakery", "1.59", False),
    ("Pączek z różą", "bakery", "1.99", False),
    ("Filet z kurczaka", "meat", "21.99", True),
    ("Szynka konserwowa", "meat", "34.90", True),
    ("Kiełbasa śląska", "meat", "19.99", True),
    ("Parówki Berlinki 250g", "meat", "6.49", False),
    ("Schab b/k", "meat", "18.99", True),
    ("Boczek wędzony", "meat", "24.99", True),
    ("Mięso mielone wieprz.", "meat", "15.99", True),
    ("Kabanosy 100g", "meat", "5.99", False),
    ("Łosoś wędzony 100g", "fish", "12.99", False),
    ("Filet z dorsza", "fish", "39.99", True),
    ("Śledź w oleju 300g", "fish", "7.49", False),
    ("Makrela wędzona", "fish", "19.90", True),
    ("Banany luz", "fruit", "5.99", True),
    ("Jabłka Gala", "fruit", "3.99", True),
    ("Pomarańcze", "fruit", "6.99", True),
    ("Cytryny", "fruit", "7.99", True),
    ("Mandarynki", "fruit", "8.99", True),
    ("Winogrona jasne 500g", "fruit", "9.99", False),
    ("Pomidory malinowe", "vegetables", "12.99", True),
    ("Ogórki szklarniowe", "vegetables", "8.99", True),
    ("Ziemniaki 2kg", "vegetables", "5.99", False),
    ("Cebula żółta", "vegetables", "2.99", True),
    ("Marchew luz", "vegetables", "2.49", True),
    ("K. Kalafior 450g", "vegetables", "6.99", False),
    ("Papryka czerwona", "vegetables", "14.99", True),
    ("Sałata lodowa", "vegetables", "3.99", False),
    ("Pieczarki 500g", "vegetables", "6.49", False),
    ("Lody Magnum Classic", "frozen", "4.99", False),
    ("Pizza Guseppe 4sery", "frozen", "10.99", False),
    ("Frytki mroż. 750g", "frozen", "7.99", False),
    ("Warzywa na patel.mroż", "frozen", "6.49", False),
    ("Makaron spaghetti 500g", "dry_goods", "4.49", False),
    ("Ryż biały 1kg", "dry_goods", "5.99", False),
    ("Mąka pszenna 1kg", "dry_goods", "3.49", False),
    ("Cukier biały 1kg", "dry_goods", "4.29", False),
    ("PłatkiKukurVit500g", "dry_goods", "7.99", False),
    ("Kasza gryczana 400g", "dry_goods", "4.79", False),
    ("Płatki owsiane 500g", "dry_goods", "3.29", False),
    ("Tuńczyk w sosie wł.", "canned", "6.99", False),
    ("Pomidory krojone 400g", "canned", "3.49", False),
    ("Kukurydza konserw.", "canned", "3.99", False),
    ("Groszek konserwowy", "canned", "3.29", False),
    ("Chipsy Lays solone", "snacks", "6.99", False),
    ("Czekolada Milka 100g", "snacks", "4.99", False),
    ("Baton Snickers", "snacks", "2.79", False),
    ("Ciastka Delicje", "snacks", "5.49", False),
    ("Paluszki solone 300g", "snacks", "3.99", False),
    ("Orzeszki ziemne 200g", "snacks", "5.29", False),
    ("Woda niegaz. 1,5L", "beverages", "1.99", False),
    ("Sok pomarańcz. 1L", "beverages", "5.99", False),
    ("Coca-Cola 1,5L", "beverages", "7.49", False),
    ("Kawa mielona 500g", "beverages", "24.99", False),
    ("Herbata czarna 100t", "beverages", "12.99", False),
    ("Napój energ. Tiger", "beverages", "3.49", False),
    ("Piwo Tyskie 0,5L", "alcohol", "3.79", False),
    ("Wino czerw. półsłodkie", "alcohol", "19.99", False),
    ("Wódka Wyborowa 0,5L", "alcohol", "32.99", False),
    ("Ketchup łagodny 480g", "condiments", "5.99", False),
    ("Majonez Kielecki 400ml", "condiments", "8.49", False),
    ("Musztarda sarepska", "condiments", "2.99", False),
    ("Olej rzepakowy 1L", "condiments", "8.99", False),
    ("Dżem truskawkowy", "condiments", "6.49", False),
    ("Pierogi ruskie 400g", "ready_meals", "8.99", False),
    ("Sałatka jarzynowa", "ready_meals", "7.99", False),
    ("Zupa pomidorowa 450ml", "ready_meals", "6.99", False),
    ("Reklamówka", "household", "0.99", False),
    ("Papier toal. 8 rolek", "household", "14.99", False),
    ("Płyn do nacz. Ludwik", "household", "7.49", False),
    ("Worki na śmieci 35L", "household", "4.99", False),
    ("Pasta do zębów Colgate", "cosmetics", "8.99", False),
    ("Szampon Head&Shoulders", "cosmetics", "17.99", False),
    ("Mydło w płynie", "cosmetics", "5.99", False),
    ("Dezodorant Rexona", "cosmetics", "12.99", False),
)

VAT_BY_CATEGORY = {"household": "A", "cosmetics": "A", "alcohol": "A", "beverages": "A", "snacks": "B"}
VAT_RATES = {"A": Decimal("0.23"), "B": Decimal("0.08"), "C": Decimal("0.05"), "D": Decimal("0")}


HEADERS: dict[str, list[str]] = {
    "biedronka": [
        "BIEDRONKA",
        "Jeronimo Martins Polska S.A.",
        "62-025 Kostrzyn, ul. Żniwna 5",
        "NIP 779-10-11-327",
    ],
    "lidl": ["LIDL", "Lidl sp. z o.o. sp. k.", "ul. Poznańska 48, 62-080 Jankowice", "NIP 781-18-97-358"],
    "kaufland": [
        "Kaufland Polska Markety",
        "Sp. z o.o. sp.j.",
        "ul. Wiśniowa 46, 02-520 Warszawa",
        "NIP 676-10-30-325",
    ],
    "auchan": [
        "AUCHAN Polska Sp. z o.o.",
        "Hipermarket Piaseczno",
        "ul. Puławska 46, 05-500 Piaseczno",
        "NIP 526-03-09-174",
    ],
    "zabka": [
        "Żabka Polska sp. z o.o.",
        "Sklep Żabka Z1234",
        "ul. Stanisława Mikołajczyka 5a",
        "NIP 972-11-10-045",
    ],
    "carrefour": ["Carrefour Polska Sp. z o.o.", "ul. Targowa 72, 03-734 Warszawa", "NIP 937-20-26-578"],
    "netto": ["NETTO Sp. z o.o.", "Sklep nr 241", "ul. Krakowska 12, 30-001 Kraków", "NIP 854-19-53-445"],
    "dino": [
        "DINO POLSKA S.A.",
        "Market Dino nr 1022",
        "ul. Ostrowska 122, 63-700 Krotoszyn",
        "NIP 621-17-66-191",
    ],
    "lewiatan": [
        "Lewiatan Holding S.A.",
        "Sklep Lewiatan 0045",
        "ul. Kilińskiego 10, 87-800 Włocławek",
        "NIP 888-22-37-515",
    ],
    "stokrotka": ["Stokrotka Sp. z o.o.", "ul. Projektowa 1, 20-209 Lublin", "NIP 712-01-06-937"],
}
# Layout per merchant: one | one_nox | two_after (name amount / qty line) | two_before (name / qty amount)
STYLES = {
    "biedronka": "one",
    "lidl": "two_after",
    "kaufland": "two_before",
    "auchan": "one_star",
    "zabka": "one_simple",
    "carrefour": "two_before",
    "netto": "one",
    "dino": "one",
    "lewiatan": "one_star",
    "stokrotka": "two_after",
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y")


def q2(value: Decimal) -> Decimal:
    """Round to the grosz, half up, as fiscal printers do."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pl(value: Decimal) -> str:
    """`12,34`: two places and a decimal comma."""
    return f"{q2(value):.2f}".replace(".", ",")
