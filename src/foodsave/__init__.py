"""FoodSave AI domain package: receipts, pantry, recipes, search, chat and alerts shared by every function."""

__version__ = "0.1.0"
