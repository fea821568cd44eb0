"""Which Lambda function serves which router: each route belongs to exactly one function."""

FUNCTION_ROUTERS: dict[str, tuple[str, ...]] = {
    "agent-chat": ("pantry", "receipts", "chat", "shopping", "recipes", "me"),
    "vector-search": ("search", "documents"),
    "alert-evaluator": ("health", "alerts", "notifications"),
}
