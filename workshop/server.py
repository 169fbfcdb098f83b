"""Everything that knows which async server runs Paja (eventlet or gevent), apart from run.py's patching."""
from __future__ import annotations

import os

MODES = ("eventlet", "gevent")


def green_database_driver(mode: str, database_url: str) -> None:
    """Let psycopg2 yield to the other green threads while it waits for PostgreSQL."""
    if not database_url.startswith(("postgres://", "postgresql")):
        return
    if mode == "eventlet":
        from eventlet.support import psycopg2_patcher
        psycopg2_patcher.make_psycopg_green()
        return
    import psycopg2
    from gevent.socket import wait_read, wait_write
    from psycopg2 import extensions

    def wait_callback(conn, timeout=None):
        while True:
            state = conn.poll()
            if state == extensions.POLL_OK:
                return
            if state == extensions.POLL_READ:
                wait_read(conn.fileno(), timeout=timeout)
            elif state == extensions.POLL_WRITE:
                wait_write(conn.fileno(), timeout=timeout)
            else:
                raise psycopg2.OperationalError(f"bad poll state: {state}")

    extensions.set_wait_callback(wait_callback)


def serve(app, socketio, host: str, port: int) -> None:
    socketio.run(app, host=host, port=port, log_output=os.environ.get("PAJA_ACCESS_LOG") == "1")
