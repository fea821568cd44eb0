"""HTTP edge: FastAPI routers shared by the Lambda apps and the local runtime, problem+json errors, auth."""
