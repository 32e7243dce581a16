"""What the challenges app contributes to the site: navigation, home section, dashboard panel
and API router (see ``marketplace.core.registry``)."""

from marketplace.core.registry import (
    ApiRouter,
    DashboardPanel,
    HomeSection,
    NavItem,
    PageAction,
    register,
)


def _home_context(request) -> dict | None:
    from .selectors.challenges import latest_open

    # Up to 12; the home page template shows as many as the page says (challenges_count).
    challenges = latest_open(limit=12)
    return {"latest_challenges": challenges}


def _buyer_panel_context(request) -> dict | None:
    from .selectors.challenges import (
        buyer_organisations,
        challenge_list_for_buyer,
        challenges_to_approve,
    )

    user = request.user
    if not buyer_organisations(user).exists():
        return None
    return {
        "my_challenges": list(challenge_list_for_buyer(user=user)[:10]),
        "to_approve": list(challenges_to_approve(user=user)[:10]),
    }


def _can_invite(request) -> bool:
    """Whether the signed-in user buys for an organisation: asked once per request, however
    many suppliers the page lists."""
    if request is None:
        return False
    cached = getattr(request, "_challenges_can_invite", None)
    if cached is None:
        from .selectors.challenges import buyer_organisations

        user = getattr(request, "user", None)
        cached = bool(getattr(user, "is_authenticated", False)) and (
            buyer_organisations(user).exists()
        )
        request._challenges_can_invite = cached
    return cached


def _invite_action(as_link: bool):
    def context(request, profile) -> dict | None:
        if not profile.is_public or not _can_invite(request):
            return None
        return {"as_link": as_link}

    return context


def register_contributions() -> None:
    from .api import router

    register(
        NavItem(
            key="challenges",
            label="Challenges",
            url_name="challenges:list",
            order=20,
            active_prefix="/challenges/",
        )
    )
    register(
        HomeSection(
            key="challenges.latest_open",
            template="challenges/_home_latest.html",
            context=_home_context,
            order=20,
        )
    )
    register(
        DashboardPanel(
            key="challenges.buyer",
            template="challenges/_dashboard_buyer.html",
            context=_buyer_panel_context,
            order=20,
        )
    )
    register(ApiRouter(key="challenges", prefix="/challenges", router=router, order=20))
    register(
        PageAction(
            key="challenges.invite_from_profile",
            page="supplier_profile",
            template="challenges/_invite_supplier_action.html",
            context=_invite_action(as_link=False),
        )
    )
    register(
        PageAction(
            key="challenges.invite_from_directory",
            page="supplier_directory_row",
            template="challenges/_invite_supplier_action.html",
            context=_invite_action(as_link=True),
        )
    )
