"""URLs for applications, assessment and funding decisions."""

from django.urls import path

from ..views import applications as apply
from ..views import assessment as assess
from ..views import decisions as decide

app = "applications/<int:pk>/"
manage = "challenges/manage/<slug:slug>/applications/"

urlpatterns = [
    # Suppliers
    path("challenges/<slug:slug>/apply/", apply.start, name="application_start"),
    path("applications/", apply.application_list, name="application_list"),
    path(app, apply.tasks, name="application_tasks"),
    path(app + "details/", apply.details, name="application_details"),
    path(app + "questions/<int:question_pk>/", apply.question, name="application_question"),
    path(app + "attachments/", apply.attachments, name="application_attachments"),
    path(
        app + "attachments/<int:attachment_pk>/remove/",
        apply.attachment_remove,
        name="application_attachment_remove",
    ),
    path(
        app + "attachments/<int:attachment_pk>/download/",
        apply.attachment_download,
        name="application_attachment_download",
    ),
    path(app + "partners/", apply.partners, name="application_partners"),
    path(
        app + "partners/<int:supplier_pk>/<str:action>/",
        apply.partner_change,
        name="application_partner_change",
    ),
    path(app + "declarations/", apply.declarations, name="application_declarations"),
    path(app + "check/", apply.check, name="application_check"),
    path(app + "submitted/", apply.submitted, name="application_submitted"),
    path(app + "withdraw/", apply.withdraw, name="application_withdraw"),
    path(app + "receipt/", apply.receipt, name="application_receipt"),
    path(app + "feedback/", apply.feedback, name="application_feedback"),
    # Assessors
    path("assessments/", assess.assessment_list, name="assessment_list"),
    path("assessments/<int:pk>/", assess.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/score/", assess.assessment_score, name="assessment_score"),
    path(
        "assessments/<int:pk>/attachments/<int:attachment_pk>/",
        assess.assessment_attachment,
        name="assessment_attachment",
    ),
    # Buyers
    path(manage, decide.application_list, name="manage_applications"),
    path(manage + "start-assessment/", decide.start_assessment, name="manage_start_assessment"),
    path(manage + "decide/", decide.challenge_decide, name="manage_decide"),
    path(manage + "release-feedback/", decide.release_feedback, name="manage_release_feedback"),
    path(manage + "open-next-phase/", decide.open_next_phase, name="manage_open_next_phase"),
    path(manage + "<int:pk>/", decide.application_detail, name="manage_application"),
    path(manage + "<int:pk>/assign/", decide.assign, name="manage_assign"),
    path(
        manage + "<int:pk>/assignments/<int:assignment_pk>/remove/",
        decide.unassign,
        name="manage_unassign",
    ),
    path(manage + "<int:pk>/moderate/", decide.moderate, name="manage_moderate"),
    path(manage + "<int:pk>/decision/", decide.decide, name="manage_decision"),
    path(manage + "<int:pk>/shortlist/", decide.shortlist, name="manage_shortlist"),
    path(manage + "<int:pk>/not-eligible/", decide.mark_ineligible, name="manage_ineligible"),
]
