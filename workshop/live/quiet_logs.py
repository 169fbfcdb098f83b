"""One warning line, no traceback, for what a client can cause in python-engineio and python-socketio.

A malformed packet (bad JSON, an unknown packet type, binary junk) makes the libraries log a full
traceback at ERROR level ("message handler error"), or (under gevent) lets the exception out to the
WSGI server, which prints it: an operator reads that as a crash although only the packet was refused.
`client_fault` tells such an exception apart: raised inside the libraries (or the json module they
parse with), with none of Paja's code on the way. The filter turns those records into one WARNING
line; `server.ClientFaultGuard` does the same for what reaches the WSGI server. An error raised in
Paja's own code keeps its traceback. The libraries' once-only protocol errors (an unsupported version,
an unknown session) become warnings too.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import engineio
import socketio

LOGGERS = ("engineio.server", "socketio.server")
LIBRARY_DIRS = tuple(str(Path(m.__file__).resolve().parent) + "/" for m in (engineio, socketio, json))
PAJA_DIR = str(Path(__file__).resolve().parent.parent) + "/"
WSGI_WRAPPERS = (str(Path(__file__).resolve().parent / "server.py"),)  # Paja's middleware, not its logic


def client_fault(exc: BaseException | None) -> bool:
    """Raised where the libraries parse what a client sent, with no Paja code on the way."""
    if exc is None or exc.__traceback__ is None:
        return False
    filenames = []
    tb = exc.__traceback__
    while tb is not None:
        filenames.append(str(Path(tb.tb_frame.f_code.co_filename).resolve()))
        tb = tb.tb_next
    ours = [f for f in filenames if f.startswith(PAJA_DIR) and f not in WSGI_WRAPPERS]
    return not ours and filenames[-1].startswith(LIBRARY_DIRS)


def one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


class ClientFaults(logging.Filter):
    """Rewrites the libraries' records about a client's bad input as one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        if record.exc_info and record.exc_info[1] is not None:
            if not client_fault(record.exc_info[1]):
                return True  # a real bug: keep the traceback
            record.msg = "Ignored a malformed Socket.IO packet from a client (%s)"
            record.args = (one_line(record.exc_info[1]),)
            record.exc_info, record.exc_text = None, None
        elif "further occurrences" not in record.getMessage():
            return True
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def install() -> None:
    """Once per process (create_app may run many times in tests)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ClientFaults) for f in logger.filters):
            logger.addFilter(ClientFaults())
