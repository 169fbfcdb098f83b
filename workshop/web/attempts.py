"""Failed guesses, counted per address and per device, so a guesser is stopped but a venue is not.

A whole venue shares one Wi-Fi address, so counting by address alone lets one mistyping guest (or a
prankster) lock everyone out. Each browser therefore carries a signed device cookie, and failures are
counted for the device and for the address (in the rate-limit storage, shared between workers):

* typed codes (join codes, registration codes): a device that has failed ``per_device`` times in the
  window is refused. Once the address has failed more than ``per_address`` times, only devices that
  have not failed may still try; their misses count on, and ``clean_extra`` more misses close the
  address to typed codes altogether (a guesser throwing its cookie away gets no further). The QR
  link carries its own secret and is never limited;
* logins: an increasing delay instead of a refusal. A device's own misses, the account's misses and
  the address's misses each make the next try wait (doubling up to MAX_DELAY); a browser that has
  logged in to the account before waits only for its own misses, so a prankster cannot lock the
  facilitator out.

Only misses are counted: correct codes and passwords never use up anything. If the storage fails
(Redis down), tries are let through and the failure is logged: guessing gets easier for a moment, nobody
is locked out.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItemPerHour, RateLimitItemPerSecond

from workshop.extensions import limiter

log = logging.getLogger(__name__)

DEVICE_COOKIE = "paja_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
KNOWN_ACCOUNTS = 5  # accounts a device remembers having logged in to
MAX_DELAY = 15 * 60


@dataclass(frozen=True)
class Budget:
    """How many misses of one kind are free in an hour (see the module's docstring)."""
    kind: str
    per_device: int
    per_address: int
    clean_extra: int
    per_account: int = 0  # logins: misses on one account from browsers that never logged in to it


JOIN_CODE = Budget("code", per_device=10, per_address=30, clean_extra=10)
REGISTRATION_CODE = Budget("registration", per_device=10, per_address=30, clean_extra=10)
LOGIN = Budget("login", per_device=5, per_address=20, clean_extra=20, per_account=10)

HOUR = RateLimitItemPerHour(1_000_000)  # a counter of misses in a fixed one-hour window


# --- the device cookie --------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="paja-device")


def cookie_name() -> str:
    return f"__Host-{DEVICE_COOKIE}" if current_app.config["SESSION_COOKIE_SECURE"] else DEVICE_COOKIE


def _device() -> dict:
    """This browser's device record {"id", "accounts"}; a new one (sent with the response) if it has none."""
    if "paja_device" not in g:
        data = None
        raw = request.cookies.get(cookie_name())
        if raw and len(raw) < 2000:
            try:
                data = _serializer().loads(raw)
            except BadSignature:
                data = None
        if not (isinstance(data, dict) and isinstance(data.get("id"), str) and isinstance(data.get("accounts"), list)):
            data = {"id": secrets.token_urlsafe(16), "accounts": []}
            g.paja_device_changed = True
        g.paja_device = data
    return g.paja_device


def device_id() -> str:
    return _device()["id"]


def _account_key(email: str) -> str:
    return hashlib.sha256(("paja-account:" + (email or "").strip().lower()).encode()).hexdigest()[:24]


def knows_account(email: str) -> bool:
    """Whether this browser has logged in to this account before."""
    return _account_key(email) in _device()["accounts"]


def remember_account(email: str) -> None:
    device = _device()
    key = _account_key(email)
    device["accounts"] = [key] + [a for a in device["accounts"] if a != key][:KNOWN_ACCOUNTS - 1]
    g.paja_device_changed = True


def init_app(app: Flask) -> None:
    @app.after_request
    def send_device_cookie(response):
        if g.get("paja_device_changed"):
            response.set_cookie(cookie_name(), _serializer().dumps(g.paja_device), max_age=DEVICE_MAX_AGE,
                                path="/", httponly=True, samesite="Lax",
                                secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response


# --- counting misses ----------------------------------------------------------------------------

def _address() -> str:
    return request.remote_addr or "unknown"


def _count(kind: str, scope: str, key: str) -> int:
    stats = limiter.limiter.get_window_stats(HOUR, "miss", kind, scope, key)
    return HOUR.amount - stats.remaining


def _counts(budget: Budget, account: str | None = None) -> dict:
    counts = {"device": _count(budget.kind, "device", device_id()),
              "address": _count(budget.kind, "address", _address())}
    if account is not None:
        counts["account"] = _count(budget.kind, "account", account)
    return counts


def _storage_failed(exc: Exception) -> None:
    log.warning("rate-limit storage unavailable (%s): letting the try through", exc.__class__.__name__)


def may_try(budget: Budget) -> bool:
    """Whether this device may try a typed code now (refused: answer 429 before looking the code up)."""
    try:
        counts = _counts(budget)
    except Exception as exc:  # the storage is down: fail open
        _storage_failed(exc)
        return True
    if counts["device"] >= budget.per_device:
        return False
    if counts["address"] <= budget.per_address:
        return True
    return counts["device"] == 0 and counts["address"] <= budget.per_address + budget.clean_extra


def record_miss(budget: Budget) -> None:
    """A wrong code: it counts for this device and this address."""
    try:
        for scope, key in (("device", device_id()), ("address", _address())):
            limiter.limiter.hit(HOUR, "miss", budget.kind, scope, key)
    except Exception as exc:
        _storage_failed(exc)


def refused(what: str) -> None:
    """One warning line per refused try (no traceback, no code or password)."""
    log.warning("too many failed %s from %s (device %s…): refused", what, _address(), device_id()[:6])


# --- logins: increasing delays ------------------------------------------------------------------

def delay_for(misses: int, free: int) -> int:
    """Seconds to wait after the last miss: none within the free misses, then 1, 2, 4, … MAX_DELAY."""
    over = misses - free
    if over <= 0:
        return 0
    base = current_app.config.get("PAJA_LOGIN_DELAY", 1)
    return int(min(base * 2 ** (over - 1), MAX_DELAY))


def _frees(budget: Budget) -> dict[str, tuple[int, int]]:
    """Free misses per scope: (for a browser that has missed itself, for one that has not)."""
    return {"device": (budget.per_device, budget.per_device),
            "account": (budget.per_account, budget.per_account + budget.clean_extra),
            "address": (budget.per_address, budget.per_address + budget.clean_extra)}


def _login_scopes(budget: Budget, email: str, counts: dict) -> list[tuple[str, str, int]]:
    """(scope, key, delay) of each count that slows this browser's next login on this account. A browser
    that has logged in to the account before waits only for its own misses; one that has not missed
    itself gets more room before the account's and the address's misses slow it."""
    clean = counts["device"] == 0
    keys = {"device": device_id(), "account": _account_key(email), "address": _address()}
    scopes = ("device",) if knows_account(email) else ("device", "account", "address")
    return [(scope, keys[scope], delay_for(counts[scope], _frees(budget)[scope][1 if clean else 0]))
            for scope in scopes]


def _cooldown(delay: int) -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(1, delay)


def login_wait(email: str, budget: Budget = LOGIN) -> int:
    """Seconds this browser must still wait before its next login try on this account (0: go ahead)."""
    try:
        counts = _counts(budget, _account_key(email))
        wait = 0.0
        for scope, key, delay in _login_scopes(budget, email, counts):
            if delay and not limiter.limiter.test(_cooldown(delay), "wait", budget.kind, scope, key):
                reset = limiter.limiter.get_window_stats(_cooldown(delay), "wait", budget.kind, scope, key).reset_time
                wait = max(wait, reset - time.time(), 1)
        return int(wait + 0.999)
    except Exception as exc:
        _storage_failed(exc)
        return 0


def record_login_miss(email: str, budget: Budget = LOGIN) -> None:
    """A wrong password (or an unknown email): counted for the device, the account and the address;
    each count over its free misses starts its delay."""
    try:
        keys = {"device": device_id(), "account": _account_key(email), "address": _address()}
        for scope, key in keys.items():
            limiter.limiter.hit(HOUR, "miss", budget.kind, scope, key)
        counts = _counts(budget, keys["account"])
        for scope, key in keys.items():
            for free in set(_frees(budget)[scope]):
                delay = delay_for(counts[scope], free)
                if delay:
                    limiter.limiter.hit(_cooldown(delay), "wait", budget.kind, scope, key)
    except Exception as exc:
        _storage_failed(exc)
