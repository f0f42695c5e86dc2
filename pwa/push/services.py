"""Push subscriptions and the outbox: subscribe, queue a notification, deliver what is due."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select

from ..jobs import claim
from ..models import PushMessage, PushSubscription
from . import sender

# Waits before each retry when the push service is busy or down; then the message fails.
BACKOFF = [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30), timedelta(hours=2)]


def _owned_by(owner):
    if owner.is_staff:
        return PushSubscription.staff_id == owner.id
    return PushSubscription.survivor_id == owner.id


def subscriptions_of(session, owner) -> list[PushSubscription]:
    return list(session.scalars(select(PushSubscription).where(_owned_by(owner))))


def save_subscription(session, owner, endpoint: str, p256dh: str, auth: str, now: datetime) -> PushSubscription:
    """Remember this browser's subscription for ``owner`` (a browser that changed hands moves with it)."""
    fields = {
        "survivor_id": owner.id if owner.is_survivor else None,
        "staff_id": owner.id if owner.is_staff else None,
        "p256dh": p256dh,
        "auth": auth,
    }
    subscription = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, created_at=now, **fields)
        session.add(subscription)
    else:
        for name, value in fields.items():
            setattr(subscription, name, value)
    return subscription


def remove_subscription(session, owner, endpoint: str) -> bool:
    result = session.execute(delete(PushSubscription).where(_owned_by(owner), PushSubscription.endpoint == endpoint))
    return result.rowcount > 0


def queue_notification(session, owner, payload: dict, now: datetime, ttl: int = 3600, urgency: str = "normal") -> int:
    """Put a notification for each of ``owner``'s browsers in the outbox, in the caller's transaction."""
    data = sender.encode_payload(payload)
    subscriptions = subscriptions_of(session, owner)
    for subscription in subscriptions:
        session.add(PushMessage(subscription=subscription, payload=data, ttl=ttl, urgency=urgency, created_at=now, next_attempt_at=now))
    return len(subscriptions)


def deliver_due_messages(session, now: datetime, vapid, subject: str, send=sender.send, limit: int = 50) -> dict[str, int]:
    """Send the queued messages that are due; safe to run in several processes at once."""
    counts = {outcome.value: 0 for outcome in sender.Outcome}
    if vapid is None:
        return counts
    due = and_(PushMessage.status.in_(("queued", "retry")), PushMessage.next_attempt_at <= now)
    for message in claim(session, PushMessage, due, now, limit):
        subscription = message.subscription
        result = send(subscription.info(), message.payload, vapid, subject, message.ttl, message.urgency)
        message.attempts += 1
        message.last_status_code = result.status_code
        message.claimed_by = message.claimed_at = None
        counts[result.outcome.value] += 1
        if result.outcome is sender.Outcome.SENT:
            message.status, message.sent_at = "sent", now
            subscription.last_sent_at = now
        elif result.outcome is sender.Outcome.GONE:
            session.delete(subscription)
        elif result.outcome is sender.Outcome.RETRY and message.attempts <= len(BACKOFF):
            wait = BACKOFF[message.attempts - 1]
            if result.retry_after:
                wait = max(wait, timedelta(seconds=min(result.retry_after, 6 * 3600)))
            message.status, message.next_attempt_at = "retry", now + wait
        else:
            message.status = "failed"
        session.commit()
    return counts


def purge_old_messages(session, now: datetime, days: int = 7) -> int:
    """Sent and failed messages are kept a week, for troubleshooting."""
    return session.execute(
        delete(PushMessage).where(PushMessage.status.in_(("sent", "failed")), PushMessage.created_at < now - timedelta(days=days))
    ).rowcount
