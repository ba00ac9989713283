"""The demo's dashboard user: made on the first start, given a new password on each."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from mercato.clock import ManualClock
from mercato.dashboard import signin
from mercato.dashboard.errors import SignInRefused
from mercato.dashboard.users import ensure_demo_user


def test_each_start_of_the_demo_gives_its_user_a_new_password(
    engine: Engine, clock: ManualClock, merchant_id: str
) -> None:
    email, first = ensure_demo_user(engine, clock, merchant_id)
    again, second = ensure_demo_user(engine, clock, merchant_id)
    assert email == again
    assert first != second
    assert signin.sign_in(engine, clock, email, second)
    with pytest.raises(SignInRefused):
        signin.sign_in(engine, clock, email, first)
