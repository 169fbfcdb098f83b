"""Domain events: what a service changed, published once its transaction is committed.

Each feature's events.py subscribes one fan-out function per event type (bound in create_app);
the fan-out decides which rooms see the change. The no-JS form, the Socket.IO handler and the CLI
reach the rooms the same way because only the service publishes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_subscribers: dict[type, list[Callable]] = {}


@dataclass(frozen=True)
class DomainEvent:
    """Base of every event; subclasses are frozen dataclasses named in the past tense."""


def subscribe(event_type: type, receiver: Callable) -> None:
    """Idempotent: binding the same app twice (tests) does not deliver twice."""
    receivers = _subscribers.setdefault(event_type, [])
    if receiver not in receivers:
        receivers.append(receiver)


def publish(event: DomainEvent) -> DomainEvent:
    for receiver in _subscribers.get(type(event), ()):
        receiver(event)
    return event
