"""Flask extension singletons, bound to the app in create_app (features import them from here)."""
from __future__ import annotations

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

socketio = SocketIO()
compress = Compress()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
