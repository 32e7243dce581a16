"""The registry: keyed, ordered, typed contributions, and what core builds from them."""

import pytest
from django.test import RequestFactory

from marketplace.core import registry
from marketplace.core.context_processors import navigation_for
from marketplace.core.registry import (
    ApiRouter,
    DashboardPanel,
    DemoSeeder,
    HomeSection,
    NavItem,
    StaffQueue,
)


@pytest.fixture
def empty(monkeypatch):
    """An empty registry for one test; the apps' real contributions come back afterwards."""
    for slot in registry._slots.values():
        monkeypatch.setattr(slot, "items", {})


def test_registering_the_same_key_again_replaces_it(empty):
    registry.register(NavItem(key="a", label="First", url_name="x"))
    registry.register(NavItem(key="a", label="Second", url_name="x"))
    assert [item.label for item in registry.contributions(NavItem)] == ["Second"]


def test_contributions_come_in_order_then_key(empty):
    for key, order in (("c", 10), ("b", 20), ("a", 20)):
        registry.register(NavItem(key=key, label=key, url_name="x", order=order))
    assert [item.key for item in registry.contributions(NavItem)] == ["c", "a", "b"]


def test_only_extension_points_can_be_registered(empty):
    with pytest.raises(TypeError, match="not an extension point"):
        registry.register(object())


def test_unregister_takes_a_contribution_back(empty):
    registry.register(NavItem(key="a", label="A", url_name="x"))
    registry.unregister(NavItem, "a")
    registry.unregister(NavItem, "never-there")
    assert registry.contributions(NavItem) == []


def test_shown_leaves_out_contributions_that_return_none(empty):
    registry.register(DashboardPanel(key="no", template="t", context=lambda r: None))
    registry.register(DashboardPanel(key="yes", template="t", context=lambda r: {"n": 1}))
    assert [(s.item.key, s.context) for s in registry.shown(DashboardPanel, None)] == [
        ("yes", {"n": 1})
    ]


def test_navigation_shows_visible_items_and_marks_the_current_one(empty, rf: RequestFactory):
    registry.register(NavItem(key="guidance", label="Guidance", url_name="", href="/guidance/"))
    registry.register(
        NavItem(key="secret", label="Secret", url_name="", href="/s/", visible=lambda r: False)
    )
    request = rf.get("/guidance/joining/")
    assert navigation_for(request) == [{"text": "Guidance", "href": "/guidance/", "active": True}]


@pytest.mark.django_db
def test_header_shows_the_apps_links_in_order(client, django_user_model):
    html = client.get("/suppliers/").content.decode()
    assert html.index(">Suppliers<") < html.index(">Guidance<")
    assert "Your dashboard" not in html
    client.force_login(django_user_model.objects.create_user(email="a@example.com"))
    assert "Your dashboard" in client.get("/suppliers/").content.decode()


def test_installed_apps_register_their_contributions():
    keys = {kind: [c.key for c in registry.contributions(kind)] for kind in registry._slots}
    assert {"suppliers", "guidance", "dashboard"} <= set(keys[NavItem])
    assert "suppliers" in keys[DashboardPanel]
    assert "supplier_profiles" in keys[StaffQueue]
    assert {"accounts", "home", "suppliers"} <= set(keys[DemoSeeder])
    assert "suppliers" in keys[ApiRouter]
    assert HomeSection in keys


@pytest.mark.django_db
def test_api_mounts_the_registered_routers(client):
    assert client.get("/api/v1/suppliers").status_code == 200
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/suppliers" in paths
