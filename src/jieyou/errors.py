"""Error hierarchy. Services raise these; ``app.py`` renders them as ``{"error": {...}}``."""

from __future__ import annotations

from typing import Any


class JieyouError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class BadRequest(JieyouError):
    code = "bad_request"
    status = 400


class Unauthenticated(JieyouError):
    code = "unauthenticated"
    status = 401


class NotPermitted(JieyouError):
    code = "not_permitted"
    status = 403


class NotFound(JieyouError):
    code = "not_found"
    status = 404


class IllegalTransition(JieyouError):
    code = "illegal_transition"
    status = 409


class Conflict(JieyouError):
    code = "conflict"
    status = 409


class TooLarge(JieyouError):
    code = "payload_too_large"
    status = 413


class Invalid(JieyouError):
    code = "invalid"
    status = 422


class TooManyRequests(JieyouError):
    """Throttled: carries ``retry_after`` (seconds), sent as the Retry-After header too."""

    code = "too_many_requests"
    status = 429
