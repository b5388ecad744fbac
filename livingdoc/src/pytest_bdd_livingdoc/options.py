"""The plugin's ini options, and the paths the tools resolve from them."""

from __future__ import annotations

from pathlib import Path

import pytest

GUARDS = "livingdoc_guards"
STEP_LOOKUP_CACHE = "livingdoc_step_lookup_cache"
STEP_PACKAGES = "livingdoc_step_packages"
OPENAPI = "living_docs_openapi"
TITLE = "living_docs_title"
WIP_TAG = "livingdoc_wip_tag"


def add_ini_options(parser: pytest.Parser) -> None:
    parser.addini(
        GUARDS,
        "fail a scenario before any step runs when a step has no definition, and a step whose "
        "definition is an async function (pytest-bdd never awaits it)",
        type="bool",
        default=True,
    )
    parser.addini(
        STEP_LOOKUP_CACHE,
        "remember pytest-bdd's step-definition lookup per test module (replaces a private "
        "pytest-bdd function, checked at start-up)",
        type="bool",
        default=True,
    )
    parser.addini(
        STEP_PACKAGES,
        "packages holding the step definitions (conftests included), one per line: the step "
        "catalogue imports every module in them",
        type="linelist",
        default=[],
    )
    parser.addini(
        OPENAPI,
        "module:attribute of the app (or app factory) whose OpenAPI operations the coverage "
        "table lists; empty for no table",
        default="",
    )
    parser.addini(TITLE, "title of the living documentation page", default="")
    parser.addini(
        WIP_TAG,
        "the tag (a registered marker) of work in progress: a scenario carrying it whose steps "
        "are not all defined is pending, not failed",
        default="wip",
    )


def wip_tag(config: pytest.Config) -> str:
    """The work-in-progress tag, without its "@"; `wip` where the option is not registered (the
    guards loaded alone, without the plugin's options)."""
    try:
        tag: str = config.getini(WIP_TAG)
    except ValueError:
        return "wip"
    return tag.lstrip("@")


def features_dir(config: pytest.Config) -> Path:
    """Where the `.feature` files live: pytest-bdd's `bdd_features_base_dir`, else features/.

    Relative to the rootdir, as pytest-bdd resolves it.
    """
    base = config.getini("bdd_features_base_dir") or "features"
    return config.rootpath / str(base)


def step_packages(config: pytest.Config) -> list[str]:
    packages: list[str] = config.getini(STEP_PACKAGES)
    if not packages:
        raise pytest.UsageError(
            f"{STEP_PACKAGES} names no package: set it in the pytest configuration to the "
            "package(s) holding the step definitions, e.g. `livingdoc_step_packages = step_defs`"
        )
    return packages
