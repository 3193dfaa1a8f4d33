"""Finding a program for the youth from inside the console: the directory's own search (the same as
the bot's and `harbor resources search`), each hit as the text the bot would send. An advocate can
put it in a message, and name it when closing as "referred to a resource"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from resources_db.categories import CATEGORIES
from resources_db.models import Service
from resources_db.places import PlaceNotFound, resolve
from resources_db.present import format_hit
from resources_db.search import SearchError, SearchQuery, search

CATEGORY_CHOICES = [(c.code, c.label) for c in CATEGORIES]


@dataclass(frozen=True)
class Found:
    service_id: str
    name: str
    text: str  # as the bot would send it: GSM-7, at most 320 characters


def find(session: Session, words: str, near: str, category: str) -> tuple[list[Found], str | None]:
    """Programs for the search; or no programs and what was wrong with it, for the advocate."""
    try:
        place = resolve(near) if near.strip() else None
        result = search(session, SearchQuery(text=words.strip() or None, near=place, category=category or None,
                                             limit=5))
    except (PlaceNotFound, SearchError) as error:
        return [], str(error)
    return [Found(hit.service_id, hit.name, format_hit(hit, n)) for n, hit in enumerate(result.hits, 1)], None


def name_of(session: Session, service_id: str) -> str | None:
    service = session.get(Service, service_id) if service_id else None
    return service.name if service else None
