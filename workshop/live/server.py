"""Everything that knows which async server runs Paja (eventlet or gevent), apart from run.py's patching.

Also how the server treats clients that stop reading (see README, "Reliability"): every Engine.IO
socket has a bounded send queue and a WebSocket a fixed kernel send buffer, and a transport that
cannot write for a ping period is closed.
"""
from __future__ import annotations

import logging
import os
import socket
import struct

from socketio.packet import Packet

from workshop.live.quiet_logs import client_fault, one_line

log = logging.getLogger(__name__)


class TextPacket(Packet):
    """Socket.IO packets of a server that sends JSON text only (every Paja payload is a dict of str,
    int, bool, None and lists of them). python-socketio walks every outgoing payload, each note of a
    board and each key, looking for bytes to send as binary attachments: about 430 calls for a board of
    60 notes, on every snapshot and every broadcast. A payload with bytes would now fail in the JSON
    encoder instead. Incoming binary packets are decoded as before."""

    def data_is_binary(self, data) -> bool:
        return False

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


# --- clients that stop reading ------------------------------------------------------------------
#
# Emits never wait for a client: python-engineio puts each packet in the socket's queue and a writer
# task writes it to the connection. What a client has not read yet waits in two places: the kernel's
# send buffer (autotuned up to several MB per connection) and that queue (unbounded). A client that
# stops reading (a frozen phone, a stalled network) would let both grow with every broadcast until
# it is found out. So: the kernel buffer of a WebSocket is fixed at WEBSOCKET_SEND_BUFFER, the queue
# at SEND_QUEUE_BYTES (a socket over it is disconnected), and a write that cannot go on for
# ping_interval + ping_timeout seconds closes the transport (python-engineio does this under
# eventlet; harden_gevent_websockets under gevent). A phone that comes back gets a fresh snapshot.

WEBSOCKET_SEND_BUFFER = 128 * 1024  # asked of the kernel, which doubles it for its bookkeeping
PACKET_OVERHEAD = 64  # bytes counted for a packet beyond its data


def _packet_size(pkt) -> int:
    data = getattr(pkt, "data", None)
    return PACKET_OVERHEAD + (len(data) if isinstance(data, (str, bytes)) else 0)


def bound_send_queues(eio, max_bytes: int) -> None:
    """Every Engine.IO socket of `eio` gets a send queue of at most `max_bytes` (or one bigger packet);
    a socket whose queue is full is disconnected (in a background task, never inside the emitting
    handler) and what is sent to it meanwhile is dropped."""
    queue_class = type(eio.create_queue())  # the async mode's queue (eventlet, gevent or threading)

    class BoundedQueue(queue_class):
        queued_bytes = 0
        overflowed = False

        def put(self, item, *args, **kwargs):
            if item is None:  # None ends the writer task: always let it in
                return super().put(item, *args, **kwargs)
            size = _packet_size(item)
            # One packet always fits (a big snapshot must reach a healthy client); more must not exceed.
            if self.overflowed or (self.queued_bytes and self.queued_bytes + size > max_bytes):
                if not self.overflowed:
                    self.overflowed = True
                    eio.start_background_task(_drop_overflowing, eio, self)
                return None
            self.queued_bytes += size
            return super().put(item, *args, **kwargs)

        def get(self, *args, **kwargs):
            item = super().get(*args, **kwargs)
            if item is not None:
                self.queued_bytes -= _packet_size(item)
            return item

    eio.create_queue = lambda *args, **kwargs: BoundedQueue(*args, **kwargs)


def _drop_overflowing(eio, queue) -> None:
    for sock in list(eio.sockets.values()):
        if sock.queue is queue and not sock.closed:
            log.warning("Socket %s does not read (%d bytes waiting to be sent): disconnecting it",
                        sock.sid, queue.queued_bytes)
            sock.close(wait=False, abort=True)


def limit_send_buffer(sock) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, WEBSOCKET_SEND_BUFFER)
    except (OSError, AttributeError):
        pass


class WebSocketSendBuffer:
    """WSGI middleware (eventlet): a WebSocket's connection gets the fixed send buffer."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket" and "eventlet.input" in environ:
            limit_send_buffer(environ["eventlet.input"].get_socket())
        return self.wsgi_app(environ, start_response)


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
            limit_send_buffer(self.sock)

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
            try:
                return self.app(self)
            except Exception as exc:  # python-engineio does not catch a frame it cannot decode
                if not client_fault(exc):
                    raise
                log.warning("Closed a WebSocket that sent a malformed packet (%s)", one_line(exc))
                self.ws.abort()
                return []

    eio._async = {**eio._async, "websocket": WebSocketWSGI}


class ClientFaultGuard:
    """WSGI middleware: a request the Engine.IO layer cannot parse (a polling request of a session that
    just ended, a malformed packet) is answered 400 with one warning line, instead of reaching the WSGI
    server as an exception that it prints with a traceback. Anything else is raised as before."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except Exception as exc:
            if not client_fault(exc):
                raise
            log.warning("Refused a malformed Socket.IO request from %s (%s)", environ.get("REMOTE_ADDR"),
                        one_line(exc))
            try:
                start_response("400 BAD REQUEST", [("Content-Type", "text/plain")])
            except Exception:  # the response had started already (a WebSocket)
                return []
            return [b"Bad request"]


def raise_file_limit(wanted: int) -> int:
    """Every connection is a file descriptor: raise this process's soft limit towards `wanted`
    (never above the hard limit an administrator set). Returns the limit now in force."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def serve(app, socketio, host: str, port: int) -> None:
    """Serve until stopped. MAX_CONNECTIONS: how many connections (phones' WebSockets and requests)
    one worker serves at once (eventlet's default pool is 1,024: the next phones would hang in the
    upgrade); LISTEN_BACKLOG: connections the kernel holds while the QR code goes up (eventlet's
    default is 50; the kernel caps it at net.core.somaxconn)."""
    max_connections = app.config["MAX_CONNECTIONS"]
    backlog = app.config["LISTEN_BACKLOG"]
    files = raise_file_limit(max_connections + 256)
    if files < max_connections + 64:
        log.warning("Open-file limit %d is below MAX_CONNECTIONS %d: raise it (ulimit -n, LimitNOFILE)",
                    files, max_connections)
    log_output = os.environ.get("PAJA_ACCESS_LOG") == "1"
    gevent = socketio.server.eio.async_mode == "gevent"
    if gevent:
        harden_gevent_websockets(socketio.server.eio)
    else:
        app.wsgi_app = WebSocketSendBuffer(app.wsgi_app)
    app.wsgi_app = ClientFaultGuard(app.wsgi_app)
    if gevent:
        from gevent.pool import Pool
        socketio.run(app, host=host, port=port, log_output=log_output, backlog=backlog,
                     spawn=Pool(max_connections))
        return
    import eventlet
    import eventlet.wsgi
    family, _type, _proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = eventlet.listen(address, family, backlog=backlog)
    eventlet.wsgi.server(listener, app, max_size=max_connections, log_output=log_output)
