"""A read-only mapping over the text of a `key TAB value` table whose lines are sorted by key: each look-up is
a binary search over the text itself, so opening a table of tens of thousands of lines parses none of them
(the English-Polish dictionary)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping


class SortedLines(Mapping[str, str]):
    """`key TAB value` lines sorted by key (Python string order, each key once), after any `#` comment lines;
    a line without a tab is a key with an empty value."""

    def __init__(self, text: str) -> None:
        start = 0
        while text.startswith(("#", "\n"), start):
            end = text.find("\n", start)
            start = len(text) if end < 0 else end + 1
        self._text, self._start = text, start

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        """The value on `key`'s line, or `default`."""
        text, lo, hi = self._text, self._start, len(self._text)
        while lo < hi:  # lo and hi are line starts (or the text's end)
            start = text.rfind("\n", lo, (lo + hi) // 2) + 1 or lo
            end = text.find("\n", start, hi)
            end = hi if end < 0 else end
            tab = text.find("\t", start, end)
            found = text[start : end if tab < 0 else tab]
            if found == key:
                return "" if tab < 0 else text[tab + 1 : end]
            if found < key:
                lo = end + 1
            else:
                hi = start
        return default

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        for line in self._text[self._start :].splitlines():
            if line:
                yield line.split("\t", 1)[0]

    def __len__(self) -> int:
        return sum(1 for _ in self)
