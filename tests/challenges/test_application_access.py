"""Who sees what. A supplier never sees another supplier's application or scores; an assessor
only what is assigned and unconflicted; a buyer of another organisation nothing private;
anonymous visitors are sent to sign in. Refusals are 404s, the same as "does not exist"."""

import pytest
from django.urls import reverse

from challenges.models import ApplicationAttachment
from tests.factories.accounts import MembershipFactory, OrganisationFactory
from tests.factories.applications import (
    ApplicationFactory,
    AssessorAssignmentFactory,
    assessing,
    assessor_for,
    buyer_for,
    supplier_user,
)
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    application = ApplicationFactory(submitted=True, answered=True)
    ApplicationAttachment.objects.create(
        application=application, title="Plan", file="application-attachments/a.pdf"
    )
    return application


def supplier_urls(application):
    pk = application.pk
    attachment = application.attachments.get().pk
    return [
        reverse("challenges:application_tasks", args=[pk]),
        reverse("challenges:application_details", args=[pk]),
        reverse("challenges:application_question", args=[pk, application.phase.questions.get().pk]),
        reverse("challenges:application_attachments", args=[pk]),
        reverse("challenges:application_attachment_remove", args=[pk, attachment]),
        reverse("challenges:application_attachment_download", args=[pk, attachment]),
        reverse("challenges:application_partners", args=[pk]),
        reverse("challenges:application_declarations", args=[pk]),
        reverse("challenges:application_check", args=[pk]),
        reverse("challenges:application_submitted", args=[pk]),
        reverse("challenges:application_withdraw", args=[pk]),
        reverse("challenges:application_receipt", args=[pk]),
        reverse("challenges:application_feedback", args=[pk]),
    ]


def buyer_urls(application):
    slug = application.phase.challenge.slug
    pk = application.pk
    return [
        ("get", reverse("challenges:manage_applications", args=[slug])),
        ("get", reverse("challenges:manage_application", args=[slug, pk])),
        ("post", reverse("challenges:manage_assign", args=[slug, pk])),
        ("post", reverse("challenges:manage_moderate", args=[slug, pk])),
        ("post", reverse("challenges:manage_decision", args=[slug, pk])),
        ("post", reverse("challenges:manage_shortlist", args=[slug, pk])),
        ("post", reverse("challenges:manage_ineligible", args=[slug, pk])),
        ("post", reverse("challenges:manage_start_assessment", args=[slug])),
        ("post", reverse("challenges:manage_decide", args=[slug])),
        ("post", reverse("challenges:manage_release_feedback", args=[slug])),
        ("post", reverse("challenges:manage_open_next_phase", args=[slug])),
    ]


# --- Supplier pages ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, application):
    for url in supplier_urls(application) + [reverse("challenges:assessment_list")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/"), url


def test_a_competing_supplier_gets_404_everywhere(client, application):
    competitor = SupplierProfileFactory(approved=True)
    client.force_login(supplier_user(competitor))

    for url in supplier_urls(application):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in (404, 405), url
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_buyer_of_another_organisation_gets_404_everywhere(client, application, mfa_login):
    other_buyer = buyer_for(assessing(ApplicationFactory().phase.challenge))
    mfa_login(client, other_buyer)

    for url in supplier_urls(application):
        assert client.get(url).status_code == 404, url
    for method, url in buyer_urls(application):
        assert getattr(client, method)(url).status_code == 404, url


def test_even_the_challenge_buyer_cannot_open_supplier_pages(client, application, mfa_login):
    mfa_login(client, buyer_for(application.phase.challenge))
    for url in supplier_urls(application):
        assert client.get(url).status_code == 404, url


def test_the_applicant_team_can_open_their_pages(client, application):
    client.force_login(supplier_user(application.supplier, role="supplier_member"))
    response = client.get(reverse("challenges:application_tasks", args=[application.pk]))
    assert response.status_code == 200


# --- Buyer pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "applicant", "assessor"])
def test_buyer_pages_refuse_everyone_but_the_buyer(client, application, who):
    if who == "applicant":
        client.force_login(supplier_user(application.supplier))
    elif who == "assessor":
        client.force_login(assessor_for(application.phase.challenge))
    for method, url in buyer_urls(application):
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response.url, url
        else:
            assert response.status_code == 404, url


def test_co_funding_buyers_see_the_applications(client, application, mfa_login):
    co_funder = OrganisationFactory()
    application.phase.challenge.co_funders.add(co_funder)
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = MembershipFactory(organisation=co_funder, role="buyer").user
    TOTP.activate(user, generate_totp_secret())
    mfa_login(client, user)

    slug = application.phase.challenge.slug
    assert client.get(reverse("challenges:manage_applications", args=[slug])).status_code == 200


# --- Assessor pages ----------------------------------------------------------------------------


def test_an_assessor_sees_only_their_own_assignments(client, application):
    mine = AssessorAssignmentFactory(application=application, scoring=True)
    theirs = AssessorAssignmentFactory(application=application, scoring=True)
    client.force_login(mine.assessor)

    listing = client.get(reverse("challenges:assessment_list")).content.decode()
    assert reverse("challenges:assessment_detail", args=[mine.pk]) in listing
    assert reverse("challenges:assessment_detail", args=[theirs.pk]) not in listing
    for name in ("challenges:assessment_detail", "challenges:assessment_score"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    attachment = application.attachments.get().pk
    assert (
        client.get(
            reverse("challenges:assessment_attachment", args=[theirs.pk, attachment])
        ).status_code
        == 404
    )


def test_a_conflicted_assessor_sees_no_content(client, application):
    assignment = AssessorAssignmentFactory(application=application, conflicted=True)
    client.force_login(assignment.assessor)

    page = client.get(reverse("challenges:assessment_detail", args=[assignment.pk]))
    assert "We will put sensors under every bed." not in page.content.decode()
    attachment = application.attachments.get().pk
    response = client.get(
        reverse("challenges:assessment_attachment", args=[assignment.pk, attachment])
    )
    assert response.status_code == 404


def test_an_assessor_sees_content_only_after_declaring_no_conflict(client, application):
    assignment = AssessorAssignmentFactory(application=application)
    client.force_login(assignment.assessor)
    url = reverse("challenges:assessment_detail", args=[assignment.pk])

    assert "We will put sensors under every bed." not in client.get(url).content.decode()
    client.post(url, {"has_conflict": "no"})
    assert "We will put sensors under every bed." in client.get(url).content.decode()


def test_suppliers_and_buyers_cannot_open_assessments(client, application, mfa_login):
    assignment = AssessorAssignmentFactory(application=application, scoring=True)
    url = reverse("challenges:assessment_detail", args=[assignment.pk])

    client.force_login(supplier_user(application.supplier))
    assert client.get(url).status_code == 404
    mfa_login(client, buyer_for(application.phase.challenge))
    assert client.get(url).status_code == 404


def test_permission_rules(application):
    from rules import has_perm

    assignment = AssessorAssignmentFactory(application=application)
    applicant = supplier_user(application.supplier)
    competitor = supplier_user(SupplierProfileFactory(approved=True))

    assert has_perm("challenges.view_application", applicant, application)
    assert not has_perm("challenges.view_application", competitor, application)
    assert not has_perm("challenges.assess_application", assignment.assessor, assignment)
    assignment.status = "scoring"
    assert has_perm("challenges.assess_application", assignment.assessor, assignment)
    assignment.status = "conflicted"
    assert not has_perm("challenges.assess_application", assignment.assessor, assignment)
