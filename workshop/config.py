"""Settings read from environment variables, with safe defaults."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"


def _secret_key(instance: Path) -> str:
    """Use SECRET_KEY, else a random key generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        instance.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance / 'paja.sqlite3'}"
    return url


def _env(name: str, default: str) -> str:
    return (os.environ.get(name) or "").strip() or default


def from_env(overrides: dict | None = None) -> dict:
    """Build the app's configuration; `overrides` (tests) win over the environment."""
    overrides = dict(overrides or {})
    instance = Path(overrides.get("INSTANCE_PATH") or os.environ.get("PAJA_INSTANCE") or DEFAULT_INSTANCE)
    base_url = (os.environ.get("PAJA_BASE_URL") or "").rstrip("/")
    config = {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": overrides.get("DATABASE_URL") or _database_url(instance),
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance),
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
        "PAJA_BASE_URL": base_url or None,
        "PAJA_ASYNC_MODE": os.environ.get("PAJA_ASYNC_MODE") or None,
        "BABEL_DEFAULT_LOCALE": "fi",
        "LANGUAGES": ("fi", "sv", "en"),
        # Behind HTTPS the cookies get Secure and the __Host- prefix.
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "__Host-paja" if base_url.startswith("https://") else "paja",
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,  # absolute limit of a facilitator login
        "FACILITATOR_IDLE_SECONDS": 3 * 3600,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # a facilitator's form may stay open all evening
        "AWAY_AFTER_SECONDS": float(os.environ.get("PAJA_AWAY_AFTER", "30")),
        # The installation's own words for the word filter, beside the shipped list (core/wordfilter.py).
        "PAJA_WORD_FILTER_FILE": os.environ.get("PAJA_WORD_FILTER_FILE") or str(instance / "word_filter.txt"),
        # Lobby counts go to the projector at most once per this many seconds per workshop (the first
        # change at once, later ones together): a join or reconnect storm sends a few, not thousands.
        "LOBBY_EVERY_SECONDS": float(os.environ.get("PAJA_LOBBY_EVERY", "0.5")),
        # Engine.IO heartbeat: a phone that has not answered a ping for PING_INTERVAL + PING_TIMEOUT
        # seconds is disconnected (and its transport closed). SEND_QUEUE_BYTES: what may wait to be
        # sent to one socket before the server gives up on it (server.bound_send_queues).
        "PING_INTERVAL": float(os.environ.get("PAJA_PING_INTERVAL", "10")),
        "PING_TIMEOUT": float(os.environ.get("PAJA_PING_TIMEOUT", "10")),
        "SEND_QUEUE_BYTES": int(os.environ.get("PAJA_SEND_QUEUE_BYTES", str(2 * 1024 * 1024))),
        # PostgreSQL connections per worker process: kept open, and opened beyond that under load.
        "DB_POOL_SIZE": int(os.environ.get("PAJA_DB_POOL_SIZE", "10")),
        "DB_MAX_OVERFLOW": int(os.environ.get("PAJA_DB_MAX_OVERFLOW", "20")),
        # One worker's simultaneous connections and its listen backlog (live/server.py serve()).
        "MAX_CONNECTIONS": int(os.environ.get("PAJA_MAX_CONNECTIONS", "10000")),
        "LISTEN_BACKLOG": int(os.environ.get("PAJA_LISTEN_BACKLOG", "4096")),
        "MAX_PARTICIPANTS": int(os.environ.get("PAJA_MAX_PARTICIPANTS", "1000")),
        # How many reverse proxies in front of Paja set X-Forwarded-For/-Proto (0: none; headers ignored).
        "TRUSTED_PROXIES": int(os.environ.get("PAJA_TRUSTED_PROXIES", "0")),
        # This worker's name behind nginx (w1, w2, …): set as the paja_worker cookie that nginx maps to it.
        "WORKER_ID": os.environ.get("PAJA_WORKER", "").strip() or None,
        # Failed logins and join-code guesses are counted here; shared across workers via Redis.
        "RATELIMIT_STORAGE_URI": os.environ.get("PAJA_RATELIMIT_STORAGE") or (
            os.environ["SOCKETIO_MESSAGE_QUEUE"] if os.environ.get("SOCKETIO_MESSAGE_QUEUE", "").startswith("redis")
            else "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        # Redis down: Flask-Limiter counts in this process's memory until it is back (its documented
        # fallback), so a join or a login never fails because the counter store is away.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Optional confirmation emails for registrations (mail.py); no mail without all three.
        "PAJA_SMTP_HOST": os.environ.get("PAJA_SMTP_HOST") or None,
        "PAJA_SMTP_PORT": os.environ.get("PAJA_SMTP_PORT") or None,
        "PAJA_MAIL_FROM": os.environ.get("PAJA_MAIL_FROM") or None,
        "PAJA_SMTP_STARTTLS": os.environ.get("PAJA_SMTP_STARTTLS", "") in ("1", "true", "yes"),
        "PAJA_SMTP_USER": os.environ.get("PAJA_SMTP_USER") or None,
        "PAJA_SMTP_PASSWORD": os.environ.get("PAJA_SMTP_PASSWORD") or None,
        # Flask-Compress for pages and JSON: gzip only (what phones on a plain-HTTP venue network accept;
        # behind nginx, nginx compresses instead: docs/deploy.md). Static files come gzipped already (web/assets.py).
        "COMPRESS_ALGORITHM": ["gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["gzip"],
        "COMPRESS_LEVEL": 6,
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "application/json", "image/svg+xml", "text/plain"],
        # The operator (the organisation running this server): the accessibility statement, the privacy
        # notice and the contact shown to participants when a workshop names none (web/operator.py).
        "OPERATOR_NAME": _env("PAJA_OPERATOR_NAME", "Paja"),
        "OPERATOR_CONTACT_NAME": _env("PAJA_CONTACT_NAME", ""),
        "OPERATOR_CONTACT_PHONE": _env("PAJA_CONTACT_PHONE", ""),
        "OPERATOR_CONTACT_EMAIL": _env("PAJA_CONTACT_EMAIL", ""),
        "A11Y_ASSESSED_ON": _env("PAJA_A11Y_ASSESSED", "2026-12-03"),
        "A11Y_METHOD": _env("PAJA_A11Y_METHOD", "self"),  # "self" (self-assessment) or "audit"
        "A11Y_AUDITOR": _env("PAJA_A11Y_AUDITOR", ""),
        "A11Y_GAPS": _env("PAJA_A11Y_GAPS", ""),  # the operator's own known gaps, one per line
        "A11Y_FEEDBACK": _env("PAJA_A11Y_FEEDBACK", ""),  # email or web address; else the contact email
        "PRIVACY_CONTACT": _env("PAJA_PRIVACY_CONTACT", ""),  # the controller's contact; else the contact email
        "RETENTION_MONTHS": int(_env("PAJA_RETENTION_MONTHS", "24")),
        "TESTING": False,
    }
    config.update(overrides)
    return config
