"""Routes of the me area."""

from fastapi import APIRouter

router = APIRouter()
