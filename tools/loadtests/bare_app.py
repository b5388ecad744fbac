"""The baseline for `make load`: a bare FastAPI endpoint, served like the app on the same machine.

A plain `def`, as the app's routes are, so both pay the same hop to the thread pool; what the
app does beyond this (authentication, the database, validation, serialisation) is what the
ratio the load test prints measures.
"""

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping() -> dict[str, bool]:
    return {"ok": True}
