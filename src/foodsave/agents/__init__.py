"""Chat agents: intent router, agents over the pantry, recipes, plans, shopping, receipts, documents and the web, language model and memory."""
