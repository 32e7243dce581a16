from tests.conftest import mfa_login


def test_home_page_renders(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Buy innovation by posting a challenge" in response.content


def test_buyer_without_two_factor_is_sent_to_set_it_up(client, buyer_org):
    from marketplace.accounts.models import Role
    from tests.factories import MembershipFactory

    user = MembershipFactory(organisation=buyer_org, role=Role.BUYER).user
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/totp/activate")


def test_buyer_with_two_factor_sees_dashboard(client, buyer):
    mfa_login(client, buyer)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert b"Leeds City Council" in response.content
