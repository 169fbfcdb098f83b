"""URL converters: row ids bounded to 32 bits, six-digit join codes."""
from __future__ import annotations

from werkzeug.routing import BaseConverter, IntegerConverter


class RowIdConverter(IntegerConverter):
    """Werkzeug's int converter, bounded to the 32-bit ids every supported database stores."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class JoinCodeConverter(BaseConverter):
    regex = r"\d{6}"
