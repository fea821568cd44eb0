"""Building the English -> Polish lexicon from its two dictionaries: the Polish-English one read backwards
(English translation -> Polish nouns) and merged after the English-Polish translations, on a small
hand-written dictionary in dictd format."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devkit.lexicon import _PHRASE, MAX_INVERTED, MAX_TRANSLATIONS, english_translations, inverted, merged

ENTRIES = [
    (
        "koper",
        "koper /ˈkɔpɛr/ <n>\n1. dill\n(botanika) roślina używana jako przyprawa;\n2. peach fuzz\nzarost\n",
    ),
    ("kolendra", "kolendra /kɔˈlɛ̃ndra/ <n>\ncoriander, Chinese parsley\n(botanika) roślina przyprawowa;\n"),
    ("ser", "ser /sɛr/ <n>\ncheese\n(spożywczy) produkt z mleka;\n"),
    ("serek", "serek /ˈsɛrɛk/ <n>\ncurd, cheese 2.\n(spożywczy) miękki ser;\n 3.\nmały ser\n"),
    ("zamrażać", "zamrażać /zamrˈaʒatɕ/ <v>\n1. freeze\nwstrzymywać\n2. freeze, ice\nschładzać coś\n"),
    ("lód", "lód /lut/ <n>\n1. ice\n(fizyka) zamarznięta woda;\n2. chill, frost\nmróz\n"),
    ("owy", "owy /ˈɔvɨ/ <suffix>\nous\ntworzy przymiotniki\n"),
    ("Kraków", "Kraków /ˈkrakuf/ <prop>\nCracow\nmiasto\n"),
    ("biały ser", "biały ser /ˈbjawɨ sɛr/ <n>\ncottage cheese\ntwaróg\n"),
]
DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def dictd_number(value: int) -> str:
    digits = ""
    while True:
        value, rest = divmod(value, 64)
        digits = DIGITS[rest] + digits
        if not value:
            return digits


def dictd(entries: list[tuple[str, str]]) -> tuple[str, str]:
    """The text of a .dict file and its .index: headword, byte offset and byte length in base 64."""
    body, index, offset = "", [], 0
    for headword, entry in entries:
        size = len(entry.encode("utf-8"))
        index.append(f"{headword}\t{dictd_number(offset)}\t{dictd_number(size)}")
        body, offset = body + entry, offset + size
    return body, "\n".join(index) + "\n"


def test_an_english_translation_points_back_to_its_polish_headword() -> None:
    table = inverted(*dictd(ENTRIES))
    assert table["dill"] == ["koper"] and table["coriander"] == ["kolendra"]


def test_a_headword_translated_first_comes_before_one_translated_later() -> None:
    assert inverted(*dictd(ENTRIES))["cheese"] == ["ser", "serek"]


def test_every_numbered_sense_that_starts_a_line_gives_translations() -> None:
    assert inverted(*dictd(ENTRIES))["frost"] == ["lód"]


def test_only_nouns_are_read_backwards() -> None:
    assert "freeze" not in inverted(*dictd(ENTRIES))


def test_multi_word_translations_and_headwords_are_left_out() -> None:
    table = inverted(*dictd(ENTRIES))
    assert not {"chinese parsley", "peach fuzz", "cottage cheese"} & table.keys()
    assert "biały ser" not in {word for polish in table.values() for word in polish}


def test_two_word_translations_of_nouns_point_back_to_their_headword_as_phrases() -> None:
    assert inverted(*dictd(ENTRIES), _PHRASE) == {"chinese parsley": ["kolendra"], "peach fuzz": ["koper"]}


def test_polish_definitions_suffixes_and_proper_names_are_left_out() -> None:
    table = inverted(*dictd(ENTRIES))
    assert not {"ous", "cracow", "zarost", "roślina"} & table.keys()


def test_the_english_polish_translations_come_first_then_inverted_ones() -> None:
    table = merged({"cheese": ["ser", "forsa"]}, {"cheese": ["serek", "ser"], "dill": ["koper"]})
    assert table == {"cheese": ["ser", "forsa", "serek"], "dill": ["koper"]}


def test_inverted_words_are_capped() -> None:
    extra = [f"słowo{'a' * n}" for n in range(MAX_INVERTED + 2)]
    assert merged({}, {"word": extra})["word"] == extra[:MAX_INVERTED]


def test_an_entry_keeps_at_most_the_translation_cap() -> None:
    primary = [f"p{'a' * n}" for n in range(MAX_TRANSLATIONS)]
    assert merged({"word": primary}, {"word": ["inne"]})["word"] == primary


@given(st.text(max_size=200))
def test_any_entry_yields_only_one_word_lowercase_translations(body: str) -> None:
    for word in english_translations(body):
        assert word == word.lower() and " " not in word and word.strip("-") == word
