"""The baseline for `make load`: the item listing written the plain way, as FastAPI's tutorials
write it (a session per request from a `yield` dependency, the caller from an OAuth2 bearer
token, a `def` route with a response model).

It answers what the app's GET /items/ answers, for the same database and token
(tests/integration/test_load_baseline.py proves it): the same page of items, in id order,
optionally filtered by a part of the name, with the total; the caller's token decoded with the
same key (SECRET_KEY) and algorithm, and the caller's row read. What it leaves out is what the
app adds around that: its middleware (security headers, the Host check, the body limit), its
error answers, the bounds on every database wait, the write lock at BEGIN. The load test's ratio
(tools/loadtests/run.py) is the app's requests/s over this one's, served the same way.

It reads the app's tables through the app's models (app/models.py), so a price or a time comes
out of the database exactly as the app reads it; everything else is its own.

    DATABASE_URL=... SECRET_KEY=... uvicorn tools.loadtests.plain_app:app
"""

import os
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.models import Item, User

DATABASE_URL = os.environ["DATABASE_URL"]
SECRET_KEY = os.environ["SECRET_KEY"]
ALGORITHM = "HS256"

engine = create_engine(
    DATABASE_URL,
    connect_args={"check_same_thread": False} if DATABASE_URL.startswith("sqlite") else {},
)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

app = FastAPI()


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    price: Decimal
    owner_id: int
    created_at: datetime


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    limit: int
    offset: int


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], db: Annotated[Session, Depends(get_db)]
) -> User:
    unauthorized = HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.PyJWTError as exc:
        raise unauthorized from exc
    user = db.get(User, int(claims["sub"]))
    if user is None or not user.is_active:
        raise unauthorized
    return user


@app.get("/items/", response_model=ItemPage)
def list_items(
    db: Annotated[Session, Depends(get_db)],
    _user: Annotated[User, Depends(get_current_user)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    q: str | None = None,
) -> dict[str, object]:
    query = select(Item).order_by(Item.id)
    if q:
        query = query.where(Item.name.icontains(q, autoescape=True))
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = db.scalars(query.limit(limit).offset(offset)).all()
    # The rows themselves: the response model reads their attributes.
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@app.get("/ping")
def ping() -> dict[str, bool]:
    """Answers once the server is up (the driver waits for it)."""
    return {"ok": True}
