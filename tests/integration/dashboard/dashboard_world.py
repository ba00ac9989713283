"""What the dashboard's tests share: the owner signing in, and the tokens of a page's
forms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Owner:
    email: str
    password: str


def token(html: str, name: str = "csrf_token") -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found is not None, f"no {name} in the page"
    return found.group(1)


def sign_in(browser: TestClient, email: str, password: str) -> Any:
    form = browser.get("/dashboard/sign-in")
    assert form.status_code == 200
    return browser.post(
        "/dashboard/sign-in",
        data={"csrf_token": token(form.text), "email": email, "password": password},
    )
