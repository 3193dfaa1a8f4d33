"""Outreach links: a chat URL with a ref code and its QR code (segno: PNG and SVG, no other
dependencies). Conversations started from a link carry the ref in their first message's
metadata; only aggregate counts are reported."""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import segno
from sqlalchemy import Column, DateTime, Integer, String, select, text
from sqlalchemy.orm import Session

from harbor.core.db import Base
from harbor.core.settings import public_url, server_settings

REF_ALPHABET = string.ascii_lowercase + string.digits


class OutreachLink(Base):
    __tablename__ = "harbor_outreach_links"

    id = Column(Integer, primary_key=True)
    ref = Column(String(16), nullable=False, unique=True)
    worker = Column(String(120), nullable=False)
    campaign = Column(String(200), nullable=False)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)


class OutreachError(ValueError):
    pass


@dataclass
class CreatedLink:
    ref: str
    url: str
    png: Path
    svg: Path


def public_base_url() -> str:
    """HARBOR_PUBLIC_URL, else the local Rasa server (a link for trying Harbor on this machine)."""
    return public_url() or server_settings().rasa_url


def create_link(session: Session, worker: str, campaign: str, out_dir: Path) -> CreatedLink:
    worker, campaign = worker.strip(), campaign.strip()
    if not worker or not campaign:
        raise OutreachError("a link needs a worker name and a campaign")
    ref = "".join(secrets.choice(REF_ALPHABET) for _ in range(8))
    session.add(OutreachLink(ref=ref, worker=worker, campaign=campaign))
    session.flush()
    url = f"{public_base_url()}/chat?ref={ref}"
    out_dir.mkdir(parents=True, exist_ok=True)
    qr = segno.make(url, error="m")
    png, svg = out_dir / f"harbor-{ref}.png", out_dir / f"harbor-{ref}.svg"
    qr.save(png, scale=10, border=4)
    qr.save(svg, scale=10, border=4)
    return CreatedLink(ref, url, png, svg)


def conversation_counts(session: Session) -> dict[str, int]:
    """Conversations per ref, from the tracker store's events (the ref rides in message metadata)."""
    counts: dict[str, set[str]] = {}
    try:
        rows = session.execute(text("SELECT sender_id, data FROM events WHERE type_name = 'user'"))
    except Exception:
        return {}
    for sender_id, data in rows:
        try:
            ref = (json.loads(data).get("metadata") or {}).get("ref")
        except (ValueError, AttributeError):
            continue
        if ref:
            counts.setdefault(ref, set()).add(sender_id)
    return {ref: len(senders) for ref, senders in counts.items()}


def list_links(session: Session) -> list[dict]:
    counts = conversation_counts(session)
    return [{"ref": link.ref, "worker": link.worker, "campaign": link.campaign,
             "created_at": link.created_at.isoformat() + "Z", "conversations": counts.get(link.ref, 0)}
            for link in session.scalars(select(OutreachLink).order_by(OutreachLink.created_at))]
