"""Why a server request cannot be answered; ``handlers.py`` maps each to its HTTP status."""

from __future__ import annotations


class ReadinessError(Exception):
    status = 500

    def __init__(self, message: str, **fields: str) -> None:
        """``fields``: more members of the JSON error reply (never anything the request sent)."""
        super().__init__(message)
        self.fields = fields

    def __reduce__(self):  # raised in a worker process, re-raised in the server's
        return (_rebuilt, (type(self), str(self), self.fields))


def _rebuilt(kind: type[ReadinessError], message: str, fields: dict[str, str]) -> ReadinessError:
    return kind(message, **fields)


class BadRequest(ReadinessError):
    status = 400


class Forbidden(ReadinessError):
    status = 403


class NotFound(ReadinessError):
    status = 404


class Conflict(ReadinessError):
    status = 409


class TooLarge(ReadinessError):
    status = 413


class Unavailable(ReadinessError):
    status = 503
