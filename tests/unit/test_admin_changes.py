"""An admin's change is decided on the accounts as they are when it is made, not as they were
when the admin's token was checked (app/services/users.py).

The race itself, two admins demoting each other at the same moment, runs against uvicorn in
tests/integration/test_races.py; here the re-check it relies on, one case at a time: the acting
admin's row changed behind the request's back (as a concurrent request that committed first
would).
"""

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from app.models import Role, User
from app.schemas import UserAdminUpdate
from app.services.users import update_user_as_admin
from tests.support.factories import UserFactory

DEMOTION = UserAdminUpdate(role=Role.MEMBER)


def _meanwhile(db: Session, user: User, **values: object) -> None:
    # Written without touching the loaded object, as another transaction's commit would be.
    statement = update(User).where(User.id == user.id).values(**values)
    db.execute(statement.execution_options(synchronize_session=False))


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        pytest.param({"role": Role.MEMBER}, PermissionDeniedError, id="demoted meanwhile"),
        pytest.param({"is_active": False}, AuthenticationError, id="deactivated meanwhile"),
    ],
)
def test_an_admin_changed_meanwhile_changes_nobody(
    db_session: Session, values: dict[str, object], refusal: type[Exception]
) -> None:
    admin, other = UserFactory(admin=True), UserFactory(admin=True)
    assert admin.is_admin  # as the token check saw it
    _meanwhile(db_session, admin, **values)

    with pytest.raises(refusal):
        update_user_as_admin(db_session, other.id, DEMOTION, admin)

    db_session.refresh(other)
    assert other.role is Role.ADMIN


def test_an_admin_deleted_meanwhile_changes_nobody(db_session: Session) -> None:
    admin, other = UserFactory(admin=True), UserFactory(admin=True)
    db_session.delete(admin)
    db_session.flush()

    with pytest.raises(AuthenticationError):
        update_user_as_admin(db_session, other.id, DEMOTION, admin)


def test_a_missing_account_is_not_found_once_the_admin_is_rechecked(db_session: Session) -> None:
    admin = UserFactory(admin=True)

    with pytest.raises(NotFoundError):
        update_user_as_admin(db_session, 987_654_321, DEMOTION, admin)
