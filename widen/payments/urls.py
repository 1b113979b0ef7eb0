from django.urls import path

from widen.payments import views

app_name = "payments"

urlpatterns = [
    path("", views.my_payments_view, name="mine"),
    path("<uuid:entry_id>/", views.my_payment_view, name="payment"),
    path("payees/", views.payees_view, name="payees"),
    path("payees/<uuid:payee_id>/bank-details/", views.bank_details_view, name="bank_details"),
    path("runs/", views.runs_view, name="runs"),
    path("runs/<uuid:run_id>/", views.run_view, name="run"),
    path("runs/<uuid:run_id>/file.csv", views.run_file_view, name="run_file"),
]
