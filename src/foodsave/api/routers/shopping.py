"""Routes of the shopping area."""

from fastapi import APIRouter

router = APIRouter()
