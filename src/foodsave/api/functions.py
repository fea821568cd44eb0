"""Which Lambda function serves which router: each route belongs to exactly one function."""

FUNCTION_ROUTERS: dict[str, tuple[str, ...]] = {
    "agent-chat": ("pantry", "receipts", "chat", "shopping", "recipes", "me", "household"),
    "vector-search": ("search", "documents"),
    "alert-evaluator": ("health", "alerts", "notifications"),
}
# Modules a function's routes import on first use (to keep a plain cold start lean); a SnapStart snapshot
# imports them before it is taken, so that restored copies serve the first request without loading them.
FIRST_USE_MODULES: dict[str, tuple[str, ...]] = {
    "agent-chat": ("foodsave.agents.orchestrator", "foodsave.agents.memory"),
    "vector-search": ("foodsave.vectors.embed", "foodsave.vectors.search", "faiss"),
    "alert-evaluator": ("foodsave.alerts.schedule",),
}
