"""FastAPI dependency overrides that are always restored, whatever the test did."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi import FastAPI


@contextmanager
def overridden(
    app: FastAPI, dependency: Callable[..., object], replacement: Callable[..., object]
) -> Iterator[None]:
    """`dependency` answers with `replacement` inside the block; the previous override (or
    none) is back after it, so the session's shared app leaks nothing into the next test."""
    previous = app.dependency_overrides.get(dependency)
    app.dependency_overrides[dependency] = replacement
    try:
        yield
    finally:
        if previous is None:
            app.dependency_overrides.pop(dependency, None)
        else:
            app.dependency_overrides[dependency] = previous
