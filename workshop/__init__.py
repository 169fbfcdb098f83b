"""Paja: a live workshop app for elinvoimapaja evenings."""
from __future__ import annotations

import warnings
from importlib import import_module

from flask import Flask

from workshop import config as config_module

# eventlet warns at import that it is deprecated; silence exactly that warning, nothing else.
EVENTLET_WARNING = r"\s*Eventlet is deprecated"
warnings.filterwarnings("ignore", message=EVENTLET_WARNING, category=Warning)

# Every feature in one ordered list: its HTTP blueprint (routes.py; "module:attr" names a second
# blueprint of a module) and its Socket.IO handlers with their fan-out (events.py). Adding a feature
# adds one line to each; nothing registers itself at import.
BLUEPRINTS = (
    "workshop.web.routes",
    "workshop.accounts.routes",
    "workshop.sessions.routes",
    "workshop.grouping.routes",
    "workshop.flipchart.routes",
    "workshop.flipchart.routes:phone_bp",
    "workshop.plans.routes",
    "workshop.plans.routes:phone_bp",
    "workshop.polls.routes",
    "workshop.qa.routes",
    "workshop.timer.routes",
    "workshop.registration.routes",
    "workshop.feedback.routes",
    "workshop.campaigns.routes",
    "workshop.results.routes",
    "workshop.reuse.routes",
    "workshop.themes.routes",
    "workshop.team.routes",
    "workshop.team.routes:invite_bp",
    "workshop.exports.routes",
    "workshop.pages.screen",
    "workshop.pages.runsheet",
    "workshop.pages.phone",
)
LIVE_HANDLERS = (
    "workshop.sessions.connection",
    "workshop.accounts.events",
    "workshop.sessions.events",
    "workshop.grouping.events",
    "workshop.flipchart.events",
    "workshop.plans.events",
    "workshop.polls.events",
    "workshop.qa.events",
    "workshop.timer.events",
    "workshop.registration.events",
    "workshop.feedback.events",
    "workshop.themes.events",
    "workshop.team.events",
    "workshop.campaigns.events",
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests)."""
    from workshop import cli, db, schema  # noqa: F401  (schema: every feature's tables, mapped before the first query)
    from workshop.core import wordfilter
    from workshop.extensions import babel, csrf, limiter, socketio
    from workshop.live import queue, quiet_logs, registry
    from workshop.live.server import TextPacket
    from workshop.web import assets, attempts, proxy, security, templating
    from workshop.web.converters import JoinCodeConverter, RowIdConverter
    from workshop.web.i18n import init_app as init_i18n
    from workshop.web.i18n import select_locale

    settings = config_module.from_env(config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"],
                template_folder=str(config_module.ROOT / "templates"),
                static_folder=str(config_module.ROOT / "static"))
    app.config.update(settings)
    # <int:…> path parts stay within the database's INTEGER range: a longer number is a 404, not an
    # OverflowError (SQLite) or an out-of-range error (PostgreSQL). Before any blueprint adds a rule.
    app.url_map.converters["int"] = RowIdConverter
    app.url_map.converters["joincode"] = JoinCodeConverter

    db.init_app(app)
    wordfilter.configure(app.config["PAJA_WORD_FILTER_FILE"])
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
        **queue.client_manager(app),  # Redis: fast reconnect, then every page resyncs
        # None = same origin as the Host header; a list = exactly the configured site.
        cors_allowed_origins=[base] if base else None,
        max_http_buffer_size=64 * 1024,
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        manage_session=False,
        serializer=TextPacket,
    )
    registry.init_app(app)
    quiet_logs.install()  # malformed packets: one warning line, not a traceback

    for name in BLUEPRINTS:
        module, _, attr = name.partition(":")
        app.register_blueprint(getattr(import_module(module), attr or "bp"))
    for name in LIVE_HANDLERS:
        import_module(name).handlers.bind(app, socketio)
    cli.init_app(app)
    templating.init_templating(app)
    init_i18n(app)
    assets.init_app(app)
    security.init_app(app)
    attempts.init_app(app)
    proxy.init_app(app)
    return app
