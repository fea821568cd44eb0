"""Recipes: the bundled catalog, suggestions that use what expires first, and meal plans."""
