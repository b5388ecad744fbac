"""The state one scenario carries from step to step."""

from dataclasses import dataclass, field

import respx
from httpx2 import Response

from app.models import User


@dataclass(frozen=True, slots=True)
class ItemRef:
    """An item the scenario knows about, by the name the feature gives it."""

    id: int
    name: str
    owner: str


@dataclass
class ScenarioContext:
    """Actors, the items they offer, and what the service answered.

    Acting steps record responses here and checking steps read them, so no step needs to
    know which other step ran before it.
    """

    actors: dict[str, User] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    # The token each actor holds: the one the service issued when they signed in (the first
    # time they called it, or when a step says they signed in).
    held_tokens: dict[str, str] = field(default_factory=dict)
    items: list[ItemRef] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    # The last body sent, for outcomes such as "described exactly as offered".
    sent: dict[str, object] = field(default_factory=dict)
    catalog_items: dict[str, dict[str, object]] = field(default_factory=dict)
    catalog_route: respx.Route | None = None

    def actor(self, name: str) -> User:
        try:
            return self.actors[name]
        except KeyError:
            raise AssertionError(
                f"{name} has not been introduced; add a step such as 'Given {name} is a member'"
            ) from None

    def actor_named_for(self, user_id: int) -> str:
        for name, user in self.actors.items():
            if user.id == user_id:
                return name
        raise AssertionError(f"no actor of this scenario has the account number {user_id}")

    def item(self, name: str) -> ItemRef:
        matches = [ref for ref in self.items if ref.name == name]
        if len(matches) != 1:
            raise AssertionError(
                f"expected exactly one item called {name!r} in this scenario, "
                f"found {len(matches)}: {matches}"
            )
        return matches[0]

    def record(self, response: Response) -> Response:
        self.responses.append(response)
        return response

    @property
    def last(self) -> Response:
        if not self.responses:
            raise AssertionError("no step has called the service yet")
        return self.responses[-1]
