"""Who is acting, in which request: carried in context variables for the audit trail and logs.

Set by the request middleware (pages), the base API view (token users) and Celery tasks;
read by the audit trail. Nothing here touches the database.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    user_repr: str
    membership_id: int | None
    request_id: str
    ip: str | None


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("actor", default=None)


def current_actor() -> Actor | None:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def acting(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def set_actor(actor: Actor | None) -> contextvars.Token:
    return _current.set(actor)


def reset_actor(token: contextvars.Token) -> None:
    _current.reset(token)


def system_actor(job: str) -> Actor:
    """The actor for background jobs: no user, the job's name as the request id."""
    return Actor(
        user_id=None, user_repr=f"system:{job}", membership_id=None, request_id=job, ip=None
    )
