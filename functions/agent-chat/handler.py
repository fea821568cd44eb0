"""agent-chat: the chat, pantry, receipts, recipes, meal-plan and shopping API (FastAPI behind Mangum)."""

from foodsave.runtime.lambda_api import api_handler

handler = api_handler("agent-chat")
