"""Django admin (/django-admin/) for developers. Platform admins use the Wagtail admin (/cms/).

Status and review fields are read-only here: status changes only through the services, which
audit and notify.
"""

from django.contrib import admin

from marketplace.core.admin_audit import AuditedModelAdmin

from .models import Capability, CaseStudy, Certification, Listing, Region, SupplierProfile


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "order"]


@admin.register(Capability)
class CapabilityAdmin(AuditedModelAdmin):
    list_display = ["name", "parent", "slug", "order"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class CaseStudyInline(admin.StackedInline):
    model = CaseStudy
    extra = 0


class ListingInline(admin.StackedInline):
    model = Listing
    extra = 0


@admin.register(SupplierProfile)
class SupplierProfileAdmin(AuditedModelAdmin):
    list_display = ["legal_name", "status", "region", "size_band", "is_sme", "submitted_at"]
    list_filter = ["status", "region", "size_band", "is_vcse"]
    search_fields = ["legal_name", "trading_name", "company_number"]
    list_select_related = ["region"]
    readonly_fields = [
        "status",
        "size_band",
        "is_sme",
        "is_vcse",
        "latitude",
        "longitude",
        "district_code",
        "district_name",
        "region",
        "country",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_reasons",
        "approved_at",
        "suspended_at",
        "suspension_reason",
        "completed_steps",
    ]
    raw_id_fields = ["organisation"]
    inlines = [CertificationInline, CaseStudyInline, ListingInline]
