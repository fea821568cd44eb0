"""vector-search: semantic search and the documents API (FastAPI behind Mangum)."""

from foodsave.runtime.lambda_api import api_handler

handler = api_handler("vector-search")
