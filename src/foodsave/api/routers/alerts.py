"""Routes of the alerts area."""

from fastapi import APIRouter

router = APIRouter()
