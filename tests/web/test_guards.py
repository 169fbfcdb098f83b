"""Request guards: the one safe-redirect check, used by login and the language switcher."""
from __future__ import annotations

import pytest

from workshop.web.guards import is_safe_path

from tests.helpers import PASSWORD, csrf_token, gen_facilitator

BYPASSES = [
    "//evil.com", "/\\evil.com", "\\\\evil.com", "/\t/evil.com", "/\n/evil.com", "/\r//evil.com",
    "https://evil.com", "http:/evil.com", "javascript:alert(1)", "/\x00/evil.com", "/ /evil.com",
    "evil.com", "", None, 42, "/\u0085/evil.com", "///evil.com",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_known_bypasses_are_not_local_paths(target):
    assert not is_safe_path(target)


@pytest.mark.parametrize("target", ["/", "/f/", "/f/sessions/3", "/123456?x=1#a", "/f/sessions/3/board#present"])
def test_local_paths_are_kept(target):
    assert is_safe_path(target)


@pytest.mark.parametrize("raw", ["/%09/evil.com", "/%0A/evil.com", "//evil.com", "/%5Cevil.com", "https://evil.com"])
def test_login_never_redirects_off_site(app, client, raw):
    gen_facilitator(app)
    page = client.get(f"/login?next={raw}").get_data(as_text=True)
    response = client.post(f"/login?next={raw}", data={
        "email": "fasilitaattori@example.fi", "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location


@pytest.mark.parametrize("raw", ["/\t/evil.com", "/\n/evil.com", "//evil.com", "https://evil.com"])
def test_language_switch_never_redirects_off_site(client, raw):
    page = client.get("/").get_data(as_text=True)
    response = client.post("/lang", data={"lang": "sv", "next": raw, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and "evil" not in location
