"""Which Lambda function serves which router: each route belongs to exactly one function."""

FUNCTION_ROUTERS: dict[str, tuple[str, ...]] = {
    "agent-chat": ("pantry", "receipts", "chat", "shopping", "recipes", "me", "household"),
    "vector-search": ("search", "documents"),
    "alert-evaluator": ("health", "alerts", "notifications"),
}
# The paths each router serves, so that a Lambda function mounts a router only when a request needs it
# (foodsave.api.lazy_routers); a router missing here is mounted on every function's first request.
ROUTER_PREFIXES: dict[str, tuple[str, ...]] = {
    "pantry": ("/v1/pantry",),
    "receipts": ("/v1/receipts",),
    "chat": ("/v1/chat", "/v1/conversations"),
    "shopping": ("/v1/shopping-list", "/v1/spending"),
    "recipes": ("/v1/recipes", "/v1/meal-plans"),
    "me": ("/v1/me",),
    "household": ("/v1/household",),
    "search": ("/v1/search",),
    "documents": ("/v1/documents",),
    "health": ("/health", "/v1/status"),
    "alerts": ("/v1/alerts",),
    "notifications": ("/v1/notifications",),
}
# Modules a function's routes import on first use (to keep a plain cold start lean); a SnapStart snapshot
# imports them before it is taken, so that restored copies serve the first request without loading them.
FIRST_USE_MODULES: dict[str, tuple[str, ...]] = {
    "agent-chat": ("foodsave.agents.orchestrator", "foodsave.agents.memory"),
    "vector-search": ("foodsave.vectors.embed", "foodsave.vectors.search", "faiss"),
    "alert-evaluator": ("foodsave.alerts.schedule",),
}
