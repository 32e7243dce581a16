"""Wagtail admin: the review moderation queue for platform admins.

The queue lists reviews and supplier replies waiting for a decision, disputed reviews first.
Each opens a screen with the community guidelines beside it, the reviewer's organisation (never
the person), the confidential note (staff only) and any dispute; a decision calls one service.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from marketplace.core.errors import DomainError

from . import selectors
from .forms import ModerationForm, ReplyModerationForm
from .models import Review, ReviewReply
from .services import reviews as services

INDEX = "feedback_moderation:index"


class StaffOnly:
    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class QueueView(StaffOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "feedback/admin/queue.html"
    page_title = "Reviews to moderate"
    header_icon = "comment"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "reviews": selectors.moderation_queue(),
            "replies": selectors.replies_queue(),
        }


class _DecisionView(StaffOnly, WagtailAdminTemplateMixin, FormView):
    header_icon = "comment"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(INDEX), "label": "Reviews to moderate"},
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form):
        action = form.cleaned_data["action"]
        try:
            self.decide(action, form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, self.table.done(action))
        return redirect(INDEX)


class ReviewModerateView(_DecisionView):
    template_name = "feedback/admin/moderate_review.html"
    form_class = ModerationForm
    table = Review.TRANSITIONS

    def dispatch(self, request, *args, **kwargs):
        try:
            self.review = selectors.review_for_moderation(kwargs["pk"])
        except Review.DoesNotExist:
            raise Http404("No such review") from None
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Review of {self.review.supplier.display_name}"

    def decide(self, action: str, reason: str) -> None:
        if action == "publish":
            services.review_publish(review=self.review, by=self.request.user)
        elif action == "reject":
            services.review_reject(review=self.review, by=self.request.user, reason=reason)
        else:
            services.review_request_edit(review=self.review, by=self.request.user, reason=reason)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "review": self.review,
            "can_decide": Review.TRANSITIONS.can("publish", self.review.status),
        }


class ReplyModerateView(_DecisionView):
    template_name = "feedback/admin/moderate_reply.html"
    form_class = ReplyModerationForm
    table = ReviewReply.TRANSITIONS

    def dispatch(self, request, *args, **kwargs):
        try:
            self.reply = selectors.reply_for_moderation(kwargs["pk"])
        except ReviewReply.DoesNotExist:
            raise Http404("No such reply") from None
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Reply from {self.reply.review.supplier.display_name}"

    def decide(self, action: str, reason: str) -> None:
        if action == "publish":
            services.reply_publish(reply=self.reply, by=self.request.user)
        else:
            services.reply_reject(reply=self.reply, by=self.request.user, reason=reason)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "reply": self.reply,
            "review": self.reply.review,
            "can_decide": ReviewReply.TRANSITIONS.can("publish", self.reply.status),
        }


urlpatterns = [
    path("", QueueView.as_view(), name="index"),
    path("reviews/<int:pk>/", ReviewModerateView.as_view(), name="review"),
    path("replies/<int:pk>/", ReplyModerateView.as_view(), name="reply"),
]


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("feedback/", include((urlpatterns, "feedback_moderation")))]


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_staff


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return StaffMenuItem("Reviews to moderate", reverse(INDEX), icon_name="comment", order=260)
