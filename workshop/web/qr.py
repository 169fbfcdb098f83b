"""QR codes as SVG responses: the projector's join code, the registration and campaign links."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Response


def qr_svg(data: str) -> bytes:
    """An SVG QR code (path image: one element, crisp at any projector size)."""
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue()


def qr_response(url: str) -> Response:
    """The one way a page serves a QR code: SVG, never cached (links can be revoked)."""
    response = Response(qr_svg(url), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response
