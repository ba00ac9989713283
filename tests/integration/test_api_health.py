"""The v1 API's first endpoints, and its errors in Stripe's shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mercato import __version__
from mercato.api.app import create_app
from mercato.database import migrate
from mercato.database.engine import create_engine
from mercato.settings import Party, Settings


def serve(database_url: str, data_dir: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=data_dir, database_url=database_url)))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The API on a fresh embedded database; its connections close with the app."""
    with serve(f"sqlite:///{tmp_path / 'platform.sqlite3'}", tmp_path) as client:
        yield client


def test_health_reports_the_platforms_database_and_nothing_of_the_banks(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    migrate.upgrade(engine, Party.PLATFORM)
    engine.dispose()
    with serve(database_url, tmp_path) as client:
        response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "health"
    assert body["status"] == "ok"
    # The issuing bank is another party: the API holds no connection to its database.
    assert set(body["parties"]) == {"platform"}
    assert body["parties"]["platform"]["database"] == "ok"
    assert body["parties"]["platform"]["schema"] == "current"
    assert not (tmp_path / "issuer.sqlite3").exists()


def test_health_is_degraded_while_a_database_is_not_migrated(
    database_url: str, tmp_path: Path
) -> None:
    with serve(database_url, tmp_path) as client:
        response = client.get("/v1/health")
    assert response.status_code == 503
    assert response.json()["parties"]["platform"]["schema"] == "behind"


def test_version_names_the_running_release(client: TestClient) -> None:
    assert client.get("/v1/version").json() == {
        "object": "version",
        "version": __version__,
        "api": "v1",
    }


def test_an_unknown_url_is_a_stripe_style_404(client: TestClient) -> None:
    response = client.get("/v1/nothing_here")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "type": "invalid_request_error",
            "code": "resource_missing",
            "message": "Unrecognized request URL (GET: /v1/nothing_here).",
        }
    }


def test_a_wrong_method_is_an_error_object_not_a_bare_string(client: TestClient) -> None:
    response = client.post("/v1/version")
    assert response.status_code == 405
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_the_openapi_document_is_published_under_v1(client: TestClient) -> None:
    document = client.get("/v1/openapi.json").json()
    assert "/v1/health" in document["paths"]


def test_the_openapi_document_states_each_endpoints_parameters(client: TestClient) -> None:
    document = client.get("/v1/openapi.json").json()
    create = document["paths"]["/v1/payment_methods"]["post"]["requestBody"]["content"]
    schema = create["application/x-www-form-urlencoded"]["schema"]
    assert {"type", "card", "billing_details", "metadata"} <= set(schema["properties"])
    listing = document["paths"]["/v1/customers"]["get"]["parameters"]
    assert {"limit", "starting_after", "ending_before", "email"} <= {p["name"] for p in listing}


def test_the_reference_page_lists_endpoints_with_their_parameters_in_bracket_notation(
    client: TestClient,
) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "/v1/payment_methods/{payment_method_id}/attach" in page.text
    assert 'card[number]</code><span class="required">required</span>' in page.text
    assert "<script" not in page.text  # nothing to load, nothing to run
