"""Control characters in text from users: NUL and the C0/C1 controls are found wherever they sit; tabs, line
breaks and every printable character of any script are text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from foodsave.inputs import has_control_characters

PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\t\n\r"), max_size=60)
# C0 and C1 control characters written out by code point, tab and line breaks left out.
CONTROLS = st.sampled_from(
    [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]]
)


@given(PRINTABLE)
def test_printable_text_with_tabs_and_line_breaks_has_no_control_characters(text):
    assert has_control_characters(text) is False


@given(PRINTABLE, CONTROLS, st.data())
def test_one_control_character_anywhere_in_text_is_found(text, control, data):
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    assert has_control_characters(text[:at] + control + text[at:]) is True
