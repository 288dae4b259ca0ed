"""GET /articles and GET /articles/ID: what the index holds."""

from typing import Any

from fastapi import APIRouter

from assistant.api.state import Service
from assistant.errors import NotFoundError

router = APIRouter()


@router.get("/articles")
def articles(service: Service) -> list[dict[str, Any]]:
    """The indexed articles: id, title, source, date, path, passages."""
    return [a.to_json() for a in service.articles()]


@router.get("/articles/{article_id:path}")
def article(article_id: str, service: Service) -> dict[str, Any]:
    """One article with its cleaned text."""
    found = service.article(article_id)
    if found is None:
        raise NotFoundError(f"no article '{article_id}' in the index")
    return found.to_json()
