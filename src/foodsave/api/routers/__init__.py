"""FastAPI routers, one module per area; each route belongs to exactly one function."""
