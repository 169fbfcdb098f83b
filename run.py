"""Start Paja: async patching first, then create_app(), then serve on the LAN."""
import os
import warnings

MODE = os.environ.get("PAJA_ASYNC_MODE", "").strip() or "eventlet"
if MODE == "eventlet":
    # eventlet announces its own deprecation at import; hide exactly that warning.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated", category=Warning)
    import eventlet
    eventlet.monkey_patch()
elif MODE == "gevent":
    from gevent import monkey
    monkey.patch_all()
else:
    raise SystemExit(f"PAJA_ASYNC_MODE must be eventlet or gevent, not {MODE!r}")

import gc  # noqa: E402
import socket  # noqa: E402

from workshop import create_app  # noqa: E402
from workshop.extensions import socketio  # noqa: E402
from workshop.live.server import green_database_driver, serve  # noqa: E402


def lan_address() -> str | None:
    """This computer's address on the venue network (UDP connect only picks a route; no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1, a documentation address
            return s.getsockname()[0]
    except OSError:
        return None


def main() -> None:
    host = os.environ.get("PAJA_HOST", "0.0.0.0")
    port = int(os.environ.get("PAJA_PORT", "5000"))
    app = create_app({"PAJA_ASYNC_MODE": MODE})
    green_database_driver(MODE, app.config["DATABASE_URL"])
    from workshop.accounts.service import facilitator_exists, first_run_token
    from workshop.cli import upgrade_database
    from workshop.db import get_db
    with app.app_context():
        upgrade_database()
        first_run = not facilitator_exists(get_db())
    address = (lan_address() or "127.0.0.1") if host in ("0.0.0.0", "::") else host
    lan_url = f"http://{address}:{port}"
    app.config["PAJA_LAN_URL"] = lan_url
    public = app.config["PAJA_BASE_URL"] or lan_url
    print(f"Paja is running ({MODE}). Phones join at: {public}", flush=True)
    print(f"Facilitator pages: {public}/f/", flush=True)
    if first_run:  # anyone on the network could create the first account: only with this link, or locally
        token = first_run_token(app.instance_path)
        print(f"First run: create the first facilitator at {public}/setup?token={token}", flush=True)
    # What exists now (the app, its mappers, catalogs and compiled statements) lives as long as the process:
    # out of the garbage collector's full passes, which would walk all of it again and again while a
    # thousand phones connect and every broadcast allocates (docs/performance.md, "Third round").
    gc.collect()
    gc.freeze()
    serve(app, socketio, host, port)


if __name__ == "__main__":
    main()
