"""Logging helpers (imported by the logging configuration, before Django apps load)."""

import logging

from bureaus.context import current_actor


class RequestIdLogFilter(logging.Filter):
    """Adds the current request id to every log record."""

    def filter(self, record):
        actor = current_actor()
        record.request_id = actor.request_id if actor else "-"
        return True
