"""The Socket.IO message queue (Redis): back within a second of Redis, and then every page resyncs.

While Redis is away each worker still serves its own phones (python-socketio emits to this process's
clients first, then publishes), but what one worker publishes never reaches the others' phones. When
Redis comes back, python-socketio's RedisManager would resubscribe only after a back-off that doubles up
to 60 s, and nothing would tell the pages what they missed. Here the listener retries every
RETRY_SECONDS, and when it has subscribed again, this worker tells its own pages to "resync" (ask
for their whole state again: live.js), spread over a moment so that a thousand phones do not ask at
the same instant.

The retry loop overrides RedisManager._redis_listen_with_retries, which python-socketio has no
public hook for: pyproject.toml pins python-socketio below 6, and tests/live/test_redis_outage.py
fails if the override stops being used.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

import socketio
from flask import Flask

from workshop.extensions import socketio as flask_socketio

log = logging.getLogger(__name__)

CHANNEL = "flask-socketio"  # Flask-SocketIO's channel: external emitters and older workers share it
RETRY_SECONDS = (0.1, 0.25, 0.5, 1.0)  # then every second
CONNECT_TIMEOUT = 2.0  # an unreachable (not refusing) Redis must not hold an emitting handler long
# The pages of one worker ask again within this many milliseconds per page, at most RESYNC_SPREAD_MAX.
RESYNC_SPREAD_PER_PAGE_MS = 2
RESYNC_SPREAD_MAX_MS = 2000


class ResyncingRedisManager(socketio.RedisManager):
    """RedisManager that reconnects fast and calls `on_reconnect()` (in a background task) each time
    its subscription is back after a loss."""

    def __init__(self, url: str, on_reconnect: Callable[[], None]):
        from redis.backoff import NoBackoff  # redis is an optional dependency (the "redis" extra)
        from redis.retry import Retry

        # redis-py's default retries a failed command ten times with back-off (up to seconds), inside
        # every publish of every emitting handler while Redis is down, and would reconnect the
        # subscription silently (missing what was published meanwhile, with no resync). No retries
        # here: the manager tries a publish twice itself, and the listener below loops.
        super().__init__(url, channel=CHANNEL, redis_options={
            "retry": Retry(NoBackoff(), 0), "socket_connect_timeout": CONNECT_TIMEOUT})
        self.on_reconnect = on_reconnect
        self.reconnects = 0

    def _redis_listen_with_retries(self):
        failures = 0
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if failures:
                    self.reconnects += 1
                    log.warning("Message queue back after %d failed attempts: pages resync", failures)
                    self.server.start_background_task(self.on_reconnect)
                failures = 0
                yield from self.pubsub.listen()
            except Exception as exc:
                pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                if failures == 0:
                    log.warning("Message queue lost (%s: %s): retrying every %s s", type(exc).__name__, exc,
                                RETRY_SECONDS[-1])
                failures += 1
                time.sleep(pause)


def client_manager(app: Flask) -> dict:
    """socketio.init_app's client_manager option for this app's SOCKETIO_MESSAGE_QUEUE."""
    url = app.config["SOCKETIO_MESSAGE_QUEUE"]
    if url and url.startswith(("redis://", "rediss://")):
        return {"client_manager": ResyncingRedisManager(url, lambda: resync_pages(app))}
    # Another queue (or none): Flask-SocketIO builds it; forget an earlier app's manager (tests make many).
    flask_socketio.server_options.pop("client_manager", None)
    return {}


def resync_pages(app: Flask) -> None:
    """Every page connected to this worker asks for its whole state again, within a spread that grows
    with their number (each worker tells its own: the queue may not carry everything yet)."""
    pages = len(app.extensions["paja_conns"])
    if pages:
        spread = min(RESYNC_SPREAD_MAX_MS, RESYNC_SPREAD_PER_PAGE_MS * pages)
        flask_socketio.emit("resync", {"spread_ms": spread}, namespace="/", ignore_queue=True)
