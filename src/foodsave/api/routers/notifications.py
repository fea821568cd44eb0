"""Routes of the notifications area."""

from fastapi import APIRouter

router = APIRouter()
