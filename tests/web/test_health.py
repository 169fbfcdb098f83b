"""GET /healthz reports the database."""
from __future__ import annotations

from workshop import create_app


def test_health_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


def test_health_503_when_database_unreachable(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "PAJA_ASYNC_MODE": "threading",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/missing-dir/db.sqlite3"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["db"] == "unreachable"
    app.extensions["paja_engine"].dispose()
