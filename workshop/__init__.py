"""Paja: a live workshop app for elinvoimapaja evenings."""
from __future__ import annotations

import warnings

from flask import Flask, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from . import config as config_module

# eventlet warns at import that it is deprecated; silence exactly that warning, nothing else.
EVENTLET_WARNING = r"\s*Eventlet is deprecated"
warnings.filterwarnings("ignore", message=EVENTLET_WARNING, category=Warning)

socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

LANG_COOKIE = "paja_lang"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


class RowIdConverter(IntegerConverter):
    """Werkzeug's int converter, bounded to the 32-bit ids every supported database stores."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def select_locale() -> str:
    from flask import current_app
    lang = request.cookies.get(LANG_COOKIE)
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests)."""
    settings = config_module.from_env(config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"],
                template_folder=str(config_module.ROOT / "templates"),
                static_folder=str(config_module.ROOT / "static"))
    app.config.update(settings)
    # <int:…> path parts stay within the database's INTEGER range: a longer number is a 404, not an
    # OverflowError (SQLite) or an out-of-range error (PostgreSQL). Before any blueprint adds a rule.
    app.url_map.converters["int"] = RowIdConverter

    from . import cli, db, live, live_notes, live_plans  # noqa: F401  (live_* register their handlers)
    from . import live_polls  # noqa: F401  (handlers must exist before socketio.init_app)
    from . import live_outreach  # noqa: F401
    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(config_module.ROOT / "workshop" / "translations"))
    csrf.init_app(app)
    limiter.init_app(app)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        limiter.reset()  # a new app (a test, a restart) starts with clean counters
    base = app.config["PAJA_BASE_URL"]
    socketio.init_app(
        app,
        async_mode=app.config["PAJA_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        # None = same origin as the Host header; a list = exactly the configured site.
        cors_allowed_origins=[base] if base else None,
        max_http_buffer_size=64 * 1024,
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        manage_session=False,
    )
    live.init_app(app)

    from .auth import bp as auth_bp
    from .facilitator import bp as facilitator_bp
    from .grouping import bp as grouping_bp
    from .board_views import bp as board_bp
    from .plan_views import bp as plans_bp
    from .results import bp as results_bp
    from .main import bp as main_bp
    from .phone import bp as phone_bp
    from .screen import bp as screen_bp
    from .timer_views import bp as timer_bp
    for bp in (auth_bp, facilitator_bp, grouping_bp, board_bp, plans_bp, results_bp, screen_bp, main_bp, phone_bp):
        app.register_blueprint(bp)
    app.register_blueprint(timer_bp)
    from .polls_views import bp as polls_bp  # after phone: uses its joincode converter
    app.register_blueprint(polls_bp)
    from .export_views import bp as exports_bp
    app.register_blueprint(exports_bp)
    from .campaign_views import bp as campaigns_bp  # registrations, feedback, campaigns: after phone too
    from .feedback_views import bp as feedback_bp
    from .registration_views import bp as registration_bp
    for bp in (registration_bp, feedback_bp, campaigns_bp):
        app.register_blueprint(bp)
    cli.init_app(app)

    from .templating import init_templating
    init_templating(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return app
