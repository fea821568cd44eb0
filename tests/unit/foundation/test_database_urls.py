"""Database URL forms: plain `postgresql://` and `postgres://` are read with pg8000, SQLite as given, and any
other scheme is refused with one sentence that says what works and never shows the password."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.db.session import driver_url

REST = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=80)


@given(scheme=st.sampled_from(["postgres", "postgresql", "postgresql+pg8000"]), rest=REST)
def test_postgres_urls_are_read_with_pg8000(scheme, rest):
    assert driver_url(f"{scheme}://{rest}") == f"postgresql+pg8000://{rest}"


@pytest.mark.parametrize("url", ["sqlite:///data/foodsave.db", "sqlite://", "sqlite+pysqlite:///x.db"])
def test_sqlite_urls_are_kept(url):
    assert driver_url(url) == url


@given(
    scheme=st.sampled_from(["mysql", "postgresql+psycopg2", "postgresql+psycopg", "oracle", "http"]),
    password=st.from_regex(r"zz[0-9]{6,12}", fullmatch=True),
)
def test_other_schemes_are_refused_in_one_sentence_without_the_password(scheme, password):
    with pytest.raises(ValueError) as refused:
        driver_url(f"{scheme}://user:{password}@db:5432/foodsave")
    message = str(refused.value)
    assert "\n" not in message
    assert password not in message
    assert "postgresql://" in message


def test_a_value_without_a_scheme_is_refused():
    with pytest.raises(ValueError, match="without a scheme"):
        driver_url("foodsave.db")
