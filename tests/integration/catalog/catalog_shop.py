"""A shop as the catalog's tests see it: a merchant calling the API with its secret key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from mercato.gateway.merchants import Caller


@dataclass
class Shop:
    """A merchant as its code calls the API: with its secret key."""

    api: TestClient
    caller: Caller
    headers: dict[str, str]

    def post(self, path: str, **params: Any) -> Any:
        return self.api.post(path, data=params, headers=self.headers)

    def get(self, path: str, **params: Any) -> Any:
        return self.api.get(path, params=params, headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.api.delete(path, headers=self.headers)

    def made(self, path: str, **params: Any) -> dict[str, Any]:
        """POST that must succeed; its object."""
        response = self.post(path, **params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def refused(self, path: str, status: int = 400, **params: Any) -> dict[str, Any]:
        """POST that must fail with ``status``; its error object."""
        response = self.post(path, **params)
        assert response.status_code == status, response.text
        error: dict[str, Any] = response.json()["error"]
        return error

    def events(self, type: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.get("/v1/events", type=type, limit=100).json()["data"]
        return found
