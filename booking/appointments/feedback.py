"""Feedback on accessibility: checked, then kept for the staff to read and answer.

Pure checks plus one use case; no Flask.  What a citizen writes is checked like
every other free text (``citizen_details.normalize_free_text``): no markup, no
invisible formatting characters, a length limit; the reply address, when
given, must be an e-mail address.  A refusal names each bad field with an
English msgid, translated at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from booking.appointments.citizen_details import (
    LANGUAGES,
    FieldChecks,
    normalize_email,
    normalize_free_text,
)
from booking.appointments.errors import N_
from booking.data.feedback_models import AccessibilityFeedback

MESSAGE_MAX_LENGTH = 2000
PAGE_MAX_LENGTH = 200
NO_MESSAGE = N_("Please write what you noticed or what you need.")


@dataclass(frozen=True)
class Feedback:
    message: str
    page: str
    reply_to: str | None


def clean_feedback(*, message: object, page: object, reply_to: object) -> Feedback:
    """Every field checked at once; raises ``InvalidDetails`` naming each bad one."""
    check = FieldChecks()
    text = check("message", normalize_free_text, message, MESSAGE_MAX_LENGTH, "message")
    if text == "":
        check.refuse("message", NO_MESSAGE)
    feedback = Feedback(
        message=text or "",
        page=check("page", normalize_free_text, page, PAGE_MAX_LENGTH, "page") or "",
        reply_to=check("reply_to", normalize_email, reply_to),
    )
    check.raise_refusals()
    return feedback


def record_feedback(
    session: Session, feedback: Feedback, *, language: str, now: datetime
) -> AccessibilityFeedback:
    """Keep ``feedback`` for the staff.  Flushes, never commits."""
    row = AccessibilityFeedback(
        received_at=now,
        language=language if language in LANGUAGES else "fi",
        page=feedback.page,
        message=feedback.message,
        reply_to=feedback.reply_to,
    )
    session.add(row)
    session.flush()
    return row
