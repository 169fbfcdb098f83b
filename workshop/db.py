"""Database engine and per-request SQLAlchemy sessions."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from workshop.core.memo import forget


def normalise_url(url: str) -> str:
    """psycopg2 is the driver that eventlet can green; SQLAlchemy 2.1 would pick psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def make_engine(url: str, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    """SQLite: one file, WAL. PostgreSQL: a pool of `pool_size` kept connections plus `max_overflow`
    opened under load, per worker process (docs/deploy.md sizes them against max_connections)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], app.config["DB_POOL_SIZE"], app.config["DB_MAX_OVERFLOW"])
    app.extensions["paja_engine"] = engine
    maker = sessionmaker(engine, expire_on_commit=False)
    event.listen(maker, "after_commit", forget)
    event.listen(maker, "after_soft_rollback", forget)
    app.extensions["paja_sessionmaker"] = maker
    app.teardown_appcontext(_close_db)


def get_db() -> Session:
    """The database session of the current request or Socket.IO event."""
    if "db" not in g:
        g.db = current_app.extensions["paja_sessionmaker"]()
    return g.db


def _close_db(_exc=None) -> None:
    release_db()


def release_db() -> None:
    """End the current request's or event's database session now: its connection goes back to the pool."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def engine() -> Engine:
    return current_app.extensions["paja_engine"]
