from django.urls import path

from widen.targeting import views

app_name = "targeting"

urlpatterns = [
    path("postcodes/", views.postcode_lookup_view, name="postcode_lookup"),
]
