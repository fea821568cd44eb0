"""Routes of the chat area."""

from fastapi import APIRouter

router = APIRouter()
