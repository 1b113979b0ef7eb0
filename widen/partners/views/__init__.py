"""The student partners' pages, one module per area; each module has its `urlpatterns`."""
