"""Routes of the documents area."""

from fastapi import APIRouter

router = APIRouter()
