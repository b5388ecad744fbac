"""What each capability of a caller who has not signed in does (features/auth_roles.feature).

"Someone's item" is the first item the scenario offers, "a member" its first member; the rule's
Background introduces them, so every call names something that exists and only the missing
sign-in can be what is refused.
"""

from faker import Faker
from fastapi.testclient import TestClient
from httpx2 import Response

from app.models import Role
from step_defs.support import api
from step_defs.support.context import ScenarioContext
from step_defs.support.types import Capability

NO_TOKEN: api.Headers = {}
NEW_PRICE = {"price": "9.99"}


def _someones_item(ctx: ScenarioContext) -> int:
    return ctx.items[0].id


def _a_member(ctx: ScenarioContext) -> int:
    return next(user.id for user in ctx.actors.values() if user.role is Role.MEMBER)


def _new_item(faker: Faker) -> dict[str, object]:
    return {"name": "Walnut side table", "price": "75.00", "description": faker.sentence()}


def attempt(
    capability: Capability, client: TestClient, ctx: ScenarioContext, faker: Faker
) -> Response:
    """Try `capability` without a token; return the answer."""
    match capability:
        case Capability.BROWSE_ITEMS:
            return api.list_items(client, NO_TOKEN)
        case Capability.READ_ITEM:
            return api.read_item(client, NO_TOKEN, _someones_item(ctx))
        case Capability.OFFER_ITEM:
            return api.offer_item(client, NO_TOKEN, _new_item(faker))
        case Capability.CHANGE_ITEM:
            return api.change_item(client, NO_TOKEN, _someones_item(ctx), NEW_PRICE)
        case Capability.REMOVE_ITEM:
            return api.remove_item(client, NO_TOKEN, _someones_item(ctx))
        case Capability.LOOK_SELF_UP:
            return api.own_record(client, NO_TOKEN)
        case Capability.LOOK_UP_MEMBER:
            return api.look_up_user(client, NO_TOKEN, _a_member(ctx))
        case Capability.LIST_ACCOUNTS:
            return api.list_users(client, NO_TOKEN)
        case Capability.PROMOTE_MEMBER:
            return api.change_user(client, NO_TOKEN, _a_member(ctx), {"role": Role.ADMIN.value})
        case Capability.DEACTIVATE_MEMBER:
            return api.change_user(client, NO_TOKEN, _a_member(ctx), {"is_active": False})
        case Capability.LOOK_UP_CATALOG_ITEM:
            return api.catalog_item(client, NO_TOKEN, next(iter(ctx.catalog_items)))
    raise AssertionError(f"no recipe for {capability.value!r}")
