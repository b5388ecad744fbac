"""Tokens carry the version of their account's tokens; deactivation moves the version on.

The scenario "Alice, reactivated, must sign in again" (features/user_administration.feature)
shows the rule end to end; here, the claim itself and who moves the version.
"""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import User
from app.schemas import UserAdminUpdate
from app.security import ALGORITHM, InvalidTokenError, create_access_token, decode_access_token
from app.services.users import update_user_as_admin
from tests.support.factories import UserFactory


def test_the_version_travels_in_the_token(test_settings: Settings) -> None:
    token = create_access_token(7, test_settings, version=3).access_token

    assert jwt.decode(token, options={"verify_signature": False})["ver"] == 3
    assert decode_access_token(token, test_settings).version == 3


def test_a_token_without_a_version_is_at_version_0(test_settings: Settings) -> None:
    token = create_access_token(7, test_settings).access_token

    assert "ver" not in jwt.decode(token, options={"verify_signature": False})
    assert decode_access_token(token, test_settings).version == 0


@pytest.mark.parametrize(
    "version",
    [
        pytest.param("1", id="text"),
        pytest.param(True, id="boolean"),
        pytest.param(1.0, id="float"),
        pytest.param(-1, id="negative"),
        pytest.param(2**31, id="beyond the column"),
        pytest.param(None, id="null"),
    ],
)
def test_a_version_that_is_not_a_whole_number_is_refused(
    test_settings: Settings, version: object
) -> None:
    now = datetime.now(UTC)
    claims = {"sub": "7", "iat": now, "exp": now + timedelta(minutes=5), "ver": version}
    token = jwt.encode(claims, test_settings.secret_key.get_secret_value(), algorithm=ALGORITHM)

    with pytest.raises(InvalidTokenError, match="version"):
        decode_access_token(token, test_settings)


@pytest.mark.parametrize(
    ("active", "change", "moved"),
    [
        pytest.param(True, UserAdminUpdate(is_active=False), True, id="deactivated"),
        pytest.param(False, UserAdminUpdate(is_active=True), False, id="reactivated"),
        pytest.param(False, UserAdminUpdate(is_active=False), False, id="already inactive"),
        pytest.param(True, UserAdminUpdate(role="admin"), False, id="promoted"),
    ],
)
def test_only_a_deactivation_moves_the_version_on(
    db_session: Session, admin: User, active: bool, change: UserAdminUpdate, moved: bool
) -> None:
    user = UserFactory(is_active=active, token_version=4)

    update_user_as_admin(db_session, user.id, change, admin)

    assert user.token_version == (5 if moved else 4)
