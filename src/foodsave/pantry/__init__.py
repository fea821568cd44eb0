"""Pantry: what the household has, with quantities and expiry dates."""
