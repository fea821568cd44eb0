"""The receipt parser's steps: line reading, header and dates, items, summary and the arithmetic checks."""
