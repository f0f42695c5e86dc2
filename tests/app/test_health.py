"""GET /healthz."""
from pwa import create_app
from tests.conftest import app_config


def test_healthz_reports_ok(client, org):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(tmp_path):
    app = create_app(app_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/none.sqlite"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"
