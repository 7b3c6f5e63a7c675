"""Fixtures for the API tests: `api` calls the API with a fresh personal token of the given user."""
import json

import pytest

from gdt.services.core import tokens


class Caller:
    """`api.get(url, user)` / `api.post(url, user, body)` with a new personal token of `user` (None: no token)."""

    def __init__(self, client):
        self.client = client

    def get(self, url, user, **headers):
        return self.client.get(url, headers=_bearer(user) | headers)

    def post(self, url, user, body=None, raw=None, **headers):
        return self.client.post(url, data=raw if raw is not None else json.dumps(body), content_type="application/json",
                                headers=_bearer(user) | headers)

    def call(self, method, url, user, body):
        return self.get(url, user) if method == "get" else self.post(url, user, body)


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {tokens.issue_user_token(user, actor=None)}"} if user is not None else {}


@pytest.fixture
def api(app, db):
    return Caller(app.test_client())
