"""What each capability of the role matrix does, for whichever caller tries it.

"Their own" item is the first the caller offers; "someone else's" is the first offered by
anyone else; "another member" is the first member who is not the caller. The matrix's
Background introduces them.
"""

from faker import Faker
from fastapi.testclient import TestClient
from httpx2 import Response

from app.models import Role
from step_defs.support import api
from step_defs.support.context import ItemRef, ScenarioContext
from step_defs.support.types import Capability

NEW_PRICE = {"price": "9.99"}


def _own_item(ctx: ScenarioContext, caller: str | None) -> ItemRef:
    return next(ref for ref in ctx.items if ref.owner == caller)


def _others_item(ctx: ScenarioContext, caller: str | None) -> ItemRef:
    return next(ref for ref in ctx.items if ref.owner != caller)


def _another_member(ctx: ScenarioContext, caller: str | None) -> int:
    return next(
        user.id for name, user in ctx.actors.items() if name != caller and user.role is Role.MEMBER
    )


def _new_account(faker: Faker) -> dict[str, object]:
    return {
        "username": "carol",
        "email": "carol@example.com",
        "full_name": f"Carol {faker.last_name()}",
        "password": faker.password(length=14),
    }


def _new_item(faker: Faker) -> dict[str, object]:
    return {"name": "Walnut side table", "price": "75.00", "description": faker.sentence()}


def attempt(
    capability: Capability,
    client: TestClient,
    ctx: ScenarioContext,
    caller: str | None,
    headers: api.Headers,
    faker: Faker,
) -> Response:
    """Try `capability` as `caller` (None: anonymous) with `headers`; return the answer."""
    match capability:
        case Capability.BROWSE_ITEMS:
            return api.list_items(client, headers)
        case Capability.READ_ITEM:
            return api.read_item(client, headers, _others_item(ctx, caller).id)
        case Capability.OFFER_ITEM:
            return api.offer_item(client, headers, _new_item(faker))
        case Capability.CHANGE_OWN_ITEM:
            return api.change_item(client, headers, _own_item(ctx, caller).id, NEW_PRICE)
        case Capability.REMOVE_OWN_ITEM:
            return api.remove_item(client, headers, _own_item(ctx, caller).id)
        case Capability.CHANGE_OTHERS_ITEM:
            return api.change_item(client, headers, _others_item(ctx, caller).id, NEW_PRICE)
        case Capability.REMOVE_OTHERS_ITEM:
            return api.remove_item(client, headers, _others_item(ctx, caller).id)
        case Capability.REGISTER:
            return api.register(client, _new_account(faker), headers)
        case Capability.LOOK_SELF_UP:
            return api.own_record(client, headers)
        case Capability.LOOK_UP_MEMBER:
            return api.look_up_user(client, headers, _another_member(ctx, caller))
        case Capability.LIST_ACCOUNTS:
            return api.list_users(client, headers)
        case Capability.PROMOTE_MEMBER:
            promotion = {"role": Role.ADMIN.value}
            return api.change_user(client, headers, _another_member(ctx, caller), promotion)
        case Capability.DEACTIVATE_MEMBER:
            deactivation = {"is_active": False}
            return api.change_user(client, headers, _another_member(ctx, caller), deactivation)
        case Capability.LOOK_UP_CATALOG_ITEM:
            return api.catalog_item(client, headers, next(iter(ctx.catalog_items)))
        case Capability.CHECK_HEALTH:
            return api.health(client)
    raise AssertionError(f"no recipe for {capability.value!r}")
