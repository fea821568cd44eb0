"""Routes of the recipes area."""

from fastapi import APIRouter

router = APIRouter()
