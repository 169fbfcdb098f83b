"""The feedback feature's own tables (its settings live here, not on the core Session model)."""
from __future__ import annotations
