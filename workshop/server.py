"""Everything that knows which async server runs Paja (eventlet or gevent), apart from run.py's patching.

Also how the server treats clients that stop reading (see README, "Reliability"): every Engine.IO
socket has a bounded send queue, and a transport that cannot write for a ping period is closed.
"""
from __future__ import annotations

import logging
import os
import socket
import struct

log = logging.getLogger(__name__)

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


def bound_send_queues(eio, limit: int) -> None:
    """Give every Engine.IO socket of `eio` a send queue of at most `limit` packets.

    Emits never wait for a client: python-engineio puts each packet in the socket's queue and a writer
    task sends it out. A client that stops reading (a frozen phone, a stalled network) would let that
    queue grow with every broadcast until the ping timeout. Here a socket whose queue is full is
    disconnected instead (in a background task, never inside the emitting handler); packets for it are
    dropped meanwhile. A real phone reconnects and gets a fresh snapshot of everything.
    """
    queue_class = type(eio.create_queue())  # the async mode's queue (eventlet, gevent or threading)

    class BoundedQueue(queue_class):
        overflowed = False

        def put(self, item, *args, **kwargs):
            if item is not None and self.qsize() >= limit:  # None ends the writer: always let it in
                if not self.overflowed:
                    self.overflowed = True
                    eio.start_background_task(_drop_overflowing, eio, self)
                return None
            return super().put(item, *args, **kwargs)

    eio.create_queue = lambda *args, **kwargs: BoundedQueue(*args, **kwargs)


def _drop_overflowing(eio, queue) -> None:
    for sock in list(eio.sockets.values()):
        if sock.queue is queue and not sock.closed:
            log.warning("Socket %s does not read (%d packets waiting): disconnecting it", sock.sid, queue.qsize())
            sock.close(wait=False, abort=True)


def harden_gevent_websockets(eio) -> None:
    """Under gevent, python-engineio speaks WebSocket through simple-websocket, which (1) writes with
    socket.send(), which may write only part of a frame when the client reads slowly (gevent returns
    what fitted), and (2) sets no timeout, so a client that stops reading blocks its writer task, and a
    client that vanished without closing blocks its reader, forever. (Under eventlet python-engineio
    itself sets a timeout of ping_interval + ping_timeout on the socket.)

    Here the same timeout is set on the socket and every frame is written whole (sendall); a transport
    that times out is aborted (RST), which ends both tasks, and a finished WebSocket's connection is
    shut down, so gevent's server does not keep it open either. (3) It also gets the server's
    max_http_buffer_size as its message limit, as eventlet's WebSocket does.
    """
    try:
        import simple_websocket
        from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
        from wsproto.events import BytesMessage, TextMessage
    except ImportError:  # gevent-websocket is installed instead: not this driver
        return
    base = eio._async["websocket"]  # python-engineio has no public hook for its WebSocket class
    if not (isinstance(base, type) and issubclass(base, SimpleWebSocketWSGI)):
        return
    timeout = eio.ping_interval + eio.ping_timeout

    class Connection:
        """The WebSocket's duplicate of the client's socket. When simple-websocket's reader task ends
        it closes only this duplicate, and gevent's server keeps the original open waiting for another
        request, which a stuck client never sends: so closing also shuts the connection down (what
        was written is still delivered before the FIN)."""

        def __init__(self, sock):
            self._sock = sock

        def __getattr__(self, name):
            return getattr(self._sock, name)

        def close(self):
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()

    class Server(simple_websocket.Server):
        def handshake(self):
            super().handshake()
            self.sock = Connection(self.sock)
            self.sock.settimeout(timeout)  # before the reader task starts

        def send(self, data):
            if not self.connected:
                raise simple_websocket.ConnectionClosed(self.close_reason, self.close_message)
            frame = self.ws.send(BytesMessage(data=data) if isinstance(data, bytes) else TextMessage(data=str(data)))
            try:
                self.sock.sendall(frame)
            except OSError:  # the client did not read for `timeout` seconds, or is gone
                self.abort()
                raise simple_websocket.ConnectionClosed(self.close_reason, self.close_message) from None

        def close(self, reason=None, message=None):
            try:
                super().close(reason, message)
            except OSError:
                self.abort()

        def abort(self):
            self.connected = False
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.event.set()

    class WebSocketWSGI(base):
        def __call__(self, environ, start_response):
            # python-engineio passes eventlet its frame limit, but not simple-websocket: pass it here.
            self.ws = Server(environ, max_message_size=int(eio.max_http_buffer_size), **self.server_args)
            return self.app(self)

    eio._async = {**eio._async, "websocket": WebSocketWSGI}


def serve(app, socketio, host: str, port: int) -> None:
    if socketio.server.eio.async_mode == "gevent":
        harden_gevent_websockets(socketio.server.eio)
    socketio.run(app, host=host, port=port, log_output=os.environ.get("PAJA_ACCESS_LOG") == "1")
