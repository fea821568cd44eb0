"""Shopping: the household's shopping list and spending computed from stored receipts."""
