"""The types of the harness's fixtures, for the annotations of tests and steps."""

from collections.abc import Callable

import httpx2
from fastapi.testclient import TestClient

from app.models import User

TokenFor = Callable[[User], str]
"""`token_for`: a real signed token for a user, as login would issue it."""

HeadersFor = Callable[[User], dict[str, str]]
"""`auth_headers`: the Authorization header carrying that token."""

MakeClient = Callable[..., TestClient]
"""`make_client`: another TestClient (its own cookies) on the running app."""

ResponseHook = Callable[[httpx2.Response], None]
"""An entry of `response_hooks`: called with every response a client receives."""
