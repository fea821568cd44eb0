"""vector-search: semantic search and the documents API (FastAPI behind Mangum)."""

from foodsave.api.apps import search_app
from foodsave.runtime.lambda_api import api_handler

handler = api_handler(search_app, "vector-search")
