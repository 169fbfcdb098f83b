"""The domain error: a refused request, named by a message key the web layer translates."""
from __future__ import annotations


class DomainError(ValueError):
    """Something a user asked that cannot be done; `key` names the translated message."""

    @property
    def key(self) -> str:
        return self.args[0] if self.args else "bad_request"
