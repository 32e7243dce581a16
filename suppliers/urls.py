app_name = "suppliers"

urlpatterns: list = []
