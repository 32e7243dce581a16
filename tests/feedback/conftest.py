import pytest

from tests.factories.contracts import buyer_user_for, commissioner_for, supplier_admin_for
from tests.factories.feedback import met_milestone


@pytest.fixture
def milestone(db):
    return met_milestone()


@pytest.fixture
def contract(milestone):
    return milestone.contract


@pytest.fixture
def buyer(contract):
    return buyer_user_for(contract)


@pytest.fixture
def commissioner(contract):
    return commissioner_for(contract)


@pytest.fixture
def supplier_admin(contract):
    return supplier_admin_for(contract)


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


GOOD = {"delivery": 5, "quality": 4, "value": 4, "communication": 5}


def review_kwargs(**overrides):
    values = {
        "ratings": dict(GOOD),
        "would_work_again": True,
        "comment": "Clear reports and a working pilot.",
        "confidential_note": "",
    }
    values.update(overrides)
    return values
