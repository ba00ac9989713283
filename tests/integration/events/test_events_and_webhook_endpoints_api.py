"""``/v1/webhook_endpoints`` and ``/v1/events`` over HTTP, as a merchant's code calls them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from webhook_receiver import Receiver, record

from mercato.api.app import create_app
from mercato.clock import ManualClock
from mercato.database.engine import writing
from mercato.gateway.merchants import Caller, KeyKind, create_merchant
from mercato.outbox import Worker
from mercato.settings import Settings


def open_merchant(engine: Engine, clock: ManualClock, name: str) -> tuple[Caller, dict[str, str]]:
    with writing(engine) as connection:
        made = create_merchant(connection, name=name, country="US", currency="usd", clock=clock)
    return (
        Caller(KeyKind.SECRET, made.merchant.id),
        {"Authorization": f"Bearer {made.secret_key}"},
    )


@pytest.fixture
def api(
    database_url: str, engine: Engine, clock: ManualClock, tmp_path: Path
) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path, database_url=database_url), clock=clock)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def shop(engine: Engine, clock: ManualClock) -> tuple[Caller, dict[str, str]]:
    return open_merchant(engine, clock, "Tea & Biscuits Ltd")


def create_endpoint(api: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    data = {"url": "https://shop.example/hooks", "enabled_events[]": ["*"], **params}
    response = api.post("/v1/webhook_endpoints", data=data, headers=headers)
    assert response.status_code == 200, response.text
    made: dict[str, Any] = response.json()
    return made


def test_an_endpoint_is_made_with_its_secret_shown_once(
    api: TestClient, shop: tuple[Caller, dict[str, str]]
) -> None:
    _, headers = shop
    made = create_endpoint(
        api,
        headers,
        **{"enabled_events[]": ["charge.succeeded", "charge.failed"]},
        description="orders",
        **{"metadata[team]": "ops"},
    )
    assert made["object"] == "webhook_endpoint"
    assert made["id"].startswith("we_")
    assert made["secret"].startswith("whsec_")
    assert made["enabled_events"] == ["charge.succeeded", "charge.failed"]
    assert (made["status"], made["description"], made["metadata"]) == (
        "enabled",
        "orders",
        {"team": "ops"},
    )
    fetched = api.get(f"/v1/webhook_endpoints/{made['id']}", headers=headers).json()
    assert "secret" not in fetched
    assert fetched == {key: value for key, value in made.items() if key != "secret"}


def test_an_endpoint_is_updated_disabled_listed_and_deleted(
    api: TestClient, shop: tuple[Caller, dict[str, str]]
) -> None:
    _, headers = shop
    first = create_endpoint(api, headers)
    second = create_endpoint(api, headers)
    updated = api.post(
        f"/v1/webhook_endpoints/{first['id']}",
        data={"url": "https://shop.example/v2/hooks", "disabled": "true", "description": "old"},
        headers=headers,
    ).json()
    assert (updated["url"], updated["status"], updated["description"]) == (
        "https://shop.example/v2/hooks",
        "disabled",
        "old",
    )
    listed = api.get("/v1/webhook_endpoints", headers=headers).json()
    assert [e["id"] for e in listed["data"]] == [second["id"], first["id"]]
    deleted = api.delete(f"/v1/webhook_endpoints/{first['id']}", headers=headers).json()
    assert deleted == {"id": first["id"], "object": "webhook_endpoint", "deleted": True}
    assert api.get(f"/v1/webhook_endpoints/{first['id']}", headers=headers).status_code == 404
    listed = api.get("/v1/webhook_endpoints", headers=headers).json()
    assert [e["id"] for e in listed["data"]] == [second["id"]]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://shop.example/hooks",
        "https://user:secret@shop.example/hooks",
        "https://:secret@shop.example/hooks",
        "/hooks",
        "https:///hooks",
        "https://shop.example:99999/hooks",
        "https://shop.example/ho oks",
    ],
)
def test_an_endpoint_needs_an_http_url_without_credentials(
    api: TestClient, shop: tuple[Caller, dict[str, str]], url: str
) -> None:
    _, headers = shop
    response = api.post(
        "/v1/webhook_endpoints", data={"url": url, "enabled_events[]": ["*"]}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "url"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"url": "https://shop.example/hooks"}, "enabled_events"),
        ({"enabled_events[]": ["*"]}, "url"),
        (
            {"url": "https://shop.example/hooks", "enabled_events[]": ["Charge!"]},
            "enabled_events[0]",
        ),
    ],
)
def test_an_endpoint_needs_a_url_and_the_events_it_wants(
    api: TestClient, shop: tuple[Caller, dict[str, str]], params: dict[str, Any], param: str
) -> None:
    _, headers = shop
    response = api.post("/v1/webhook_endpoints", data=params, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_another_merchants_endpoints_and_events_do_not_exist_for_me(
    api: TestClient,
    engine: Engine,
    clock: ManualClock,
    shop: tuple[Caller, dict[str, str]],
) -> None:
    merchant, headers = shop
    endpoint = create_endpoint(api, headers)
    event_id = record(engine, merchant, clock, "customer.created")
    _, other = open_merchant(engine, clock, "Someone Else Inc")
    for method, path in [
        ("GET", f"/v1/webhook_endpoints/{endpoint['id']}"),
        ("POST", f"/v1/webhook_endpoints/{endpoint['id']}"),
        ("DELETE", f"/v1/webhook_endpoints/{endpoint['id']}"),
        ("GET", f"/v1/webhook_endpoints/{endpoint['id']}/deliveries"),
        ("GET", f"/v1/events/{event_id}"),
    ]:
        response = api.request(method, path, headers=other)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "resource_missing"
    assert api.get("/v1/events", headers=other).json()["data"] == []
    assert api.get("/v1/webhook_endpoints", headers=other).json()["data"] == []


def test_events_are_listed_by_type_and_creation_time(
    api: TestClient, engine: Engine, clock: ManualClock, shop: tuple[Caller, dict[str, str]]
) -> None:
    merchant, headers = shop
    created = record(engine, merchant, clock, "customer.created")
    clock.advance(dt.timedelta(hours=1))
    updated = record(engine, merchant, clock, "customer.updated")
    clock.advance(dt.timedelta(hours=1))
    charged = record(engine, merchant, clock, "charge.succeeded")
    an_hour_ago = int((clock.now() - dt.timedelta(hours=1)).timestamp())

    def ids(**query: Any) -> list[str]:
        response = api.get("/v1/events", params=query, headers=headers)
        assert response.status_code == 200, response.text
        return [event["id"] for event in response.json()["data"]]

    assert ids() == [charged, updated, created]
    assert ids(type="customer.updated") == [updated]
    assert ids(type="customer.*") == [updated, created]
    assert ids(**{"types[]": ["charge.succeeded", "customer.created"]}) == [charged, created]
    assert ids(**{"created[gte]": an_hour_ago}) == [charged, updated]
    assert ids(**{"created[gt]": an_hour_ago}) == [charged]
    assert ids(**{"created[lt]": an_hour_ago}) == [created]
    assert ids(**{"created[lte]": an_hour_ago}) == [updated, created]
    assert ids(created=an_hour_ago) == [updated]
    assert ids(limit=1, starting_after=charged) == [updated]
    event = api.get(f"/v1/events/{updated}", headers=headers).json()
    assert (event["object"], event["type"]) == ("event", "customer.updated")


def test_the_deliveries_of_an_endpoint_show_every_attempt(
    api: TestClient,
    *,
    engine: Engine,
    clock: ManualClock,
    shop: tuple[Caller, dict[str, str]],
    receiver: Receiver,
    worker: Worker,
) -> None:
    merchant, headers = shop
    endpoint = create_endpoint(api, headers, url=receiver.url)
    receiver.secret = endpoint["secret"]
    receiver.answers = [500]
    event_id = record(engine, merchant, clock, "customer.created")
    assert worker.run_once() == 1
    clock.advance(dt.timedelta(minutes=1))
    assert worker.run_once() == 1

    response = api.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries", headers=headers)
    [delivery] = response.json()["data"]
    assert delivery["object"] == "webhook_delivery"
    assert (delivery["event"], delivery["webhook_endpoint"]) == (event_id, endpoint["id"])
    assert (delivery["status"], delivery["attempt_count"], delivery["next_attempt"]) == (
        "succeeded",
        2,
        None,
    )
    assert [(a["status_code"], a["error"]) for a in delivery["attempts"]] == [
        (500, None),
        (200, None),
    ]
    assert delivery["attempts"][1]["created"] - delivery["attempts"][0]["created"] == 60
    by_event = api.get(
        f"/v1/webhook_endpoints/{endpoint['id']}/deliveries",
        params={"event": "evt_none"},
        headers=headers,
    )
    assert by_event.json()["data"] == []
    assert (
        api.get("/v1/events", params={"delivery_success": "true"}, headers=headers).json()["data"][
            0
        ]["id"]
        == event_id
    )
    assert (
        api.get("/v1/events", params={"delivery_success": "false"}, headers=headers).json()["data"]
        == []
    )


def test_a_merchant_has_at_most_16_endpoints(
    api: TestClient, shop: tuple[Caller, dict[str, str]]
) -> None:
    _, headers = shop
    for _ in range(16):
        create_endpoint(api, headers)
    response = api.post(
        "/v1/webhook_endpoints",
        data={"url": "https://shop.example/17", "enabled_events[]": ["*"]},
        headers=headers,
    )
    assert response.status_code == 400
    assert "maximum of 16" in response.json()["error"]["message"]
