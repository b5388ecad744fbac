"""Realistic weighted flows against the items service, for `make load` (tools/loadtests/run.py).

Each simulated member logs in once, at start (argon2id at production cost: a tenth of a second
or more of CPU, on purpose), then, with a think time between actions, mostly browses and
filters items, sometimes looks a user up or fetches an item from the external catalog, and now
and then offers an item.

Logins are measured apart: once every simulated user has logged in, their figures are written
to LOAD_LOGIN_STATS and the statistics start afresh, so the steady state is measured without
the burst of logins at the start (and the login burst without the steady state).

`ReadCapacity` carries no think time: the driver runs it alone for a few seconds, against the
app and against the same listing written the plain way (plain_app.py), to measure how many
listings per second each serves. It reads LOAD_CAPACITY_PATH with a token the driver got from
POST /token (LOAD_TOKEN).

The driver passes the seeded data in the environment: LOAD_USERNAME_PREFIX, LOAD_USER_COUNT,
LOAD_PASSWORD, LOAD_FIRST_USER_ID, LOAD_SEARCH_WORDS, LOAD_SIMULATED_USERS.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from urllib.parse import urlencode

import gevent
from gevent.event import Event
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopUser

USERNAME_PREFIX = os.environ.get("LOAD_USERNAME_PREFIX", "load_member_")
USER_COUNT = int(os.environ.get("LOAD_USER_COUNT", "50"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
FIRST_USER_ID = int(os.environ.get("LOAD_FIRST_USER_ID", "1"))
SEARCH_WORDS = os.environ.get("LOAD_SEARCH_WORDS", "lamp,desk,chair").split(",")
CATALOG_CODES = [f"SKU-{n}" for n in range(1000, 1050)]
SIMULATED_USERS = int(os.environ.get("LOAD_SIMULATED_USERS", "0"))
LOGIN_STATS = os.environ.get("LOAD_LOGIN_STATS", "")
# Beyond this, users stop waiting for the others' logins (one may have failed to start).
LOGIN_WAIT_SECONDS = 120
# Think time is 0.5-1.5 s: over this, each user's first action falls anywhere in one cycle.
STAGGER_SECONDS = 1.5

LOGIN = "POST /token (once per user)"
CAPACITY_HEADERS = {"Authorization": f"Bearer {os.environ.get('LOAD_TOKEN', '')}"}
CAPACITY_PATH = os.environ.get("LOAD_CAPACITY_PATH", "/items/?limit=20")


class _Logins:
    """Shared by the simulated users of this process (gevent: one runs at a time)."""

    accounts = itertools.cycle(range(USER_COUNT))
    done = 0
    all_done = Event()


def _logins_finished(environment: Environment) -> None:
    entry = environment.stats.get(LOGIN, "POST")
    figures = {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.total_rps,
        **{f"p{p}": entry.get_response_time_percentile(p / 100) for p in (50, 95, 99)},
    }
    if LOGIN_STATS:
        with open(LOGIN_STATS, "w") as target:
            json.dump(figures, target)
    environment.stats.reset_all()
    _Logins.all_done.set()


class Member(FastHttpUser):
    wait_time = between(0.5, 1.5)
    headers: dict[str, str]

    def on_start(self) -> None:
        username = f"{USERNAME_PREFIX}{next(_Logins.accounts)}"
        form = urlencode({"username": username, "password": PASSWORD})
        with self.client.post(
            "/token",
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name=LOGIN,
            catch_response=True,
        ) as response:
            token = response.json().get("access_token") if response.status_code == 200 else None
        _Logins.done += 1
        if _Logins.done == SIMULATED_USERS:
            _logins_finished(self.environment)
        if token is None:
            raise StopUser()
        self.headers = {"Authorization": f"Bearer {token}"}
        _Logins.all_done.wait(timeout=LOGIN_WAIT_SECONDS)
        # Released together, users would act in lockstep for their first few actions (a burst
        # of one request each, queued behind one another); real users come in at random.
        gevent.sleep(random.uniform(0, STAGGER_SECONDS))

    @task(5)
    def list_items(self) -> None:
        offset = random.randrange(0, 200)
        self.client.get(
            f"/items/?limit=20&offset={offset}", headers=self.headers, name="GET /items/"
        )

    @task(3)
    def filter_items(self) -> None:
        word = random.choice(SEARCH_WORDS)
        self.client.get(f"/items/?q={word}&limit=20", headers=self.headers, name="GET /items/?q=")

    @task(2)
    def look_up_user(self) -> None:
        user_id = FIRST_USER_ID + random.randrange(USER_COUNT)
        self.client.get(f"/users/{user_id}", headers=self.headers, name="GET /users/{id}")

    @task(1)
    def fetch_external_item(self) -> None:
        code = random.choice(CATALOG_CODES)
        self.client.get(
            f"/external-item/{code}", headers=self.headers, name="GET /external-item/{id}"
        )

    @task(1)
    def offer_item(self) -> None:
        body = {"name": f"Load lamp {uuid.uuid4().hex[:12]}", "price": "12.50"}
        self.client.post("/items/", json=body, headers=self.headers, name="POST /items/")


class ReadCapacity(FastHttpUser):
    """As many item listings as the server will serve: no think time."""

    @task
    def list_items(self) -> None:
        self.client.get(CAPACITY_PATH, headers=CAPACITY_HEADERS, name="GET /items/")
