"""Request and response bodies (pydantic v2).

Prices are decimals with at most two places; they are serialised as JSON strings ("12.50")
so no client ever sees a binary-float rounding of money.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

from app.models import Role

Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{3,32}$")]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
FullName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ItemName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Description = Annotated[str, StringConstraints(max_length=1000)]
Price = Annotated[Decimal, Field(gt=0, le=1_000_000, decimal_places=2)]


class ClosedModel(BaseModel):
    """Unknown fields are refused, so no client can smuggle in role, owner_id or id."""

    model_config = ConfigDict(extra="forbid")


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserCreate(ClosedModel):
    email: EmailStr
    username: Username
    full_name: FullName | None = None
    password: Password

    @field_validator("email")
    @classmethod
    def _lowercase_email(cls, value: str) -> str:
        return value.lower()


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str | None


class UserRead(UserPublic):
    email: str
    role: Role
    is_active: bool
    created_at: datetime


class UserAdminUpdate(ClosedModel):
    role: Role | None = None
    is_active: bool | None = None


class ItemCreate(ClosedModel):
    name: ItemName
    description: Description | None = None
    price: Price


class ItemUpdate(ClosedModel):
    name: ItemName | None = None
    description: Description | None = None
    price: Price | None = None

    @field_validator("name", "price")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Omit a field to keep it; an explicit null for a required attribute is a mistake.
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    price: Decimal
    owner_id: int
    created_at: datetime


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ExternalItem(BaseModel):
    item_id: str
    external_data: dict[str, object]


class Health(BaseModel):
    status: str
