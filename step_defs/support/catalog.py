"""The supplier's catalog as each scenario needs it, mocked with respx on the harness's router."""

import httpx
import respx

from step_defs.support.types import CatalogAnswer, CatalogFailure

ITEM_PATH = "/data/{code}"
ANY_ITEM = r"^/data/[^/]+$"


def describe_item(router: respx.MockRouter, code: str, data: dict[str, object]) -> respx.Route:
    return router.get(ITEM_PATH.format(code=code)).mock(return_value=httpx.Response(200, json=data))


def any_item(router: respx.MockRouter) -> respx.Route:
    """Every item code leads here, for failures that do not depend on the item."""
    return router.get(path__regex=ANY_ITEM)


# The status each way the catalog reports its own failure comes with.
FAILURE_STATUS = {
    CatalogFailure.INTERNAL_ERROR: 500,
    CatalogFailure.BAD_GATEWAY: 502,
    CatalogFailure.UNAVAILABLE: 503,
}


def failure(kind: CatalogFailure) -> httpx.Response:
    return httpx.Response(FAILURE_STATUS[kind], text="Internal error")


def unusable_answer(answer: CatalogAnswer) -> httpx.Response:
    if answer is CatalogAnswer.WEB_PAGE:
        page = "<html><body><h1>Down for maintenance</h1></body></html>"
        return httpx.Response(200, text=page, headers={"Content-Type": "text/html"})
    if answer is CatalogAnswer.LIST:
        return httpx.Response(200, json=[{"title": "Brass desk lamp"}, {"title": "Floor lamp"}])
    if answer is CatalogAnswer.CUT_OFF:
        return httpx.Response(
            200, content=b'{"title": "Brass desk la', headers={"Content-Type": "application/json"}
        )
    if answer is CatalogAnswer.EMPTY:
        return httpx.Response(200, content=b"", headers={"Content-Type": "application/json"})
    raise AssertionError(f"no recipe for {answer.value!r}")
