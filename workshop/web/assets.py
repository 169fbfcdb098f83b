"""What a phone downloads: static files minified and gzipped once at start, under content-hashed
URLs cached for a year; pages compressed (Flask-Compress) and never kept by shared caches.

Every file under static/ is read once when the app is built: CSS and JavaScript are minified
(rcssmin, rjsmin; a `.min.` file is kept as it is), gzipped, and served from memory, so a thousand
phones cost no compression at all; BUNDLES join a page's scripts into one download.
`url_for("static", filename=…)` gets `?v=<hash of what is served>`. Only a request whose `v` matches
what this worker serves is marked immutable; any other (an old link, a worker of another version
during an upgrade) is revalidated with the ETag. A restart, as every upgrade does, picks up changed
files.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

import rcssmin
import rjsmin
from flask import Flask, Response, abort, request

from workshop.extensions import compress

# A page's scripts as one download (a response's headers cost as much as a small script): served
# under the bundle's name, the files minified and joined in this order (the order of `defer`).
BUNDLES = {
    "js/phone.bundle.js": ("js/vendor/socket.io.min.js", "js/live.js", "js/poll.js", "js/timer.js",
                           "js/phone.js", "js/board.js", "js/plan.js", "js/phone-outreach.js"),
}
SOURCE_MAP = re.compile(rb"^//# sourceMappingURL=.*$", re.M)  # no map is served

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
REDIRECTS = {301, 302, 303, 307, 308}
PAGE = "private, no-cache"  # a page carries the user's own state and CSRF token: revalidated, never shared


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None  # None when gzip would not make it smaller
    mimetype: str
    digest: str  # the first 12 hex digits of the served body's SHA-256: the URL's v and the ETag


def minify(name: str, text: str) -> str:
    if ".min." in name:
        return text
    if name.endswith(".css"):
        return rcssmin.cssmin(text)
    if name.endswith(".js"):
        return rjsmin.jsmin(text)
    return text


def build_asset(name: str, raw: bytes) -> Asset:
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    body = minify(name, raw.decode("utf-8")).encode("utf-8") if name.endswith((".css", ".js")) else raw
    packed = gzip.compress(body, compresslevel=9, mtime=0)
    return Asset(body, packed if len(packed) < len(body) else None, mimetype,
                 hashlib.sha256(body).hexdigest()[:12])


def load_assets(folder: str | Path) -> dict[str, Asset]:
    """Every file under the static folder, by its path relative to it ("js/phone.js"), and the bundles."""
    root = Path(folder)
    assets = {path.relative_to(root).as_posix(): build_asset(path.name, path.read_bytes())
              for path in sorted(root.rglob("*")) if path.is_file()}
    for name, parts in BUNDLES.items():
        joined = b"\n;\n".join(SOURCE_MAP.sub(b"", assets[part].body) for part in parts)
        assets[name] = build_asset(name + ".min.js", joined)  # minified already, part by part
    return assets


def accepts_gzip() -> bool:
    return any(part.split(";")[0].strip() == "gzip" and not part.replace(" ", "").endswith(";q=0")
               for part in request.headers.get("Accept-Encoding", "").lower().split(","))


def init_app(app: Flask) -> None:
    assets = load_assets(app.static_folder)
    app.extensions["paja_assets"] = assets
    compress.init_app(app)

    def serve_static(filename: str) -> Response:
        asset = assets.get(filename)
        if asset is None:
            abort(404)
        packed = asset.gzipped is not None and accepts_gzip()
        response = Response(asset.gzipped if packed else asset.body, mimetype=asset.mimetype)
        if packed:
            response.headers["Content-Encoding"] = "gzip"  # Flask-Compress leaves it alone then
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(asset.digest + ("-gz" if packed else ""))
        response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == asset.digest else REVALIDATE
        return response.make_conditional(request)

    app.view_functions["static"] = serve_static

    @app.url_defaults
    def versioned_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            asset = assets.get(values.get("filename", ""))
            if asset is not None:
                values["v"] = asset.digest

    @app.after_request
    def page_cache(response):
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", PAGE)
            if response.status_code in REDIRECTS and not response.direct_passthrough:
                response.set_data(b"")  # Werkzeug's "Redirecting..." page: no browser shows it
        return response
