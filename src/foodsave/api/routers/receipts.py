"""Routes of the receipts area."""

from fastapi import APIRouter

router = APIRouter()
