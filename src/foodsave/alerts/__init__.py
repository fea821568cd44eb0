"""Alerts: expiry warnings for users and rule-based operational alerts for operators."""
