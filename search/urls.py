from django.urls import path

from . import alert_views

app_name = "search"

urlpatterns = [
    path("search-alerts/", alert_views.alert_list, name="alerts"),
    path("search-alerts/new/", alert_views.alert_create, name="alert_create"),
    path("search-alerts/<int:pk>/stop/", alert_views.alert_delete, name="alert_delete"),
]
