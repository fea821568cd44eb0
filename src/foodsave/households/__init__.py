"""Households: the people who share one pantry, shopping list, receipts and spending; members, roles, invites."""
