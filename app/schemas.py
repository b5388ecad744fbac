"""Request and response bodies (pydantic v2).

Prices are decimals with at most two places; they are serialised as JSON strings ("12.50")
so no client ever sees a binary-float rounding of money.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
    field_validator,
)

from app.models import CENT, NAME_MAX_LENGTH, Role
from app.prices import MAX_PRICE, PRICE_JSON_SCHEMA, check_price_notation
from app.text import (
    EMAIL_NOT_AT_SPECIAL_USE_DOMAIN,
    NAME,
    NO_CONTROL_CHARACTERS_BUT_LINE_BREAKS,
    to_nfc,
)

USERNAME_PATTERN = r"^[a-z0-9_]{3,32}$"
Username = Annotated[str, StringConstraints(pattern=USERNAME_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
_Name = Annotated[
    str,
    # The limits apply to the name as sent, as the schema publishes them: a 101st character is
    # refused even when it is a space that stripping would drop, and a name of spaces only is
    # refused by the pattern, which the schema states, not by a length after stripping.
    StringConstraints(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NAME),
    AfterValidator(str.strip),
    # NFC can lengthen a name ("\ufb2c" becomes three code points): the columns hold three
    # times the limit (app/models.py), so a name the schema allows is never refused after this.
    AfterValidator(to_nfc),
]
FullName = _Name
ItemName = _Name
Description = Annotated[
    str, StringConstraints(max_length=1000, pattern=NO_CONTROL_CHARACTERS_BUT_LINE_BREAKS)
]


def _to_cents(value: Decimal) -> Decimal:
    # "12.5" and 12 must answer as "12.50" and "12.00" at once, not only after a re-read.
    return value.quantize(CENT)


Price = Annotated[
    Decimal,
    BeforeValidator(check_price_notation),
    Field(gt=0, le=MAX_PRICE, decimal_places=2),
    AfterValidator(_to_cents),
    WithJsonSchema(PRICE_JSON_SCHEMA, mode="validation"),
]


class ClosedModel(BaseModel):
    """Unknown fields are refused, so no client can smuggle in role, owner_id or id."""

    model_config = ConfigDict(extra="forbid")


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserCreate(ClosedModel):
    email: Annotated[
        EmailStr, Field(json_schema_extra={"pattern": EMAIL_NOT_AT_SPECIAL_USE_DOMAIN})
    ]
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
    # Strict: the schema says boolean, so 0, 1 or "yes" are refused rather than guessed at.
    is_active: StrictBool | None = None


class ItemCreate(ClosedModel):
    name: ItemName
    description: Description | None = None
    price: Price


def _published_without_null(annotation: Any) -> WithJsonSchema:
    # `X | None` keeps pydantic's plain nullable schema, so errors point at the field itself
    # ("body", "price") rather than at a union branch; the published schema then says what the
    # validator below enforces: omit the field, never send null.
    return WithJsonSchema(TypeAdapter(annotation).json_schema())


class ItemUpdate(ClosedModel):
    name: Annotated[ItemName | None, _published_without_null(ItemName)] = None
    description: Description | None = None
    price: Annotated[Price | None, _published_without_null(Price)] = None

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
