"""Under ``/monthly-gift/``: a prefix no Wagtail page uses (the donate page is ``/donate/``)."""

from django.urls import path

from donor_portal import views

app_name = "donor_portal"

urlpatterns = [
    path("", views.request_link, name="request"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:gift_id>/amount/", views.change_amount, name="amount"),
    path("manage/<int:gift_id>/pause/", views.pause, name="pause"),
    path("manage/<int:gift_id>/resume/", views.resume, name="resume"),
    path("manage/<int:gift_id>/cancel/", views.cancel, name="cancel"),
    path("manage/<int:gift_id>/card/", views.update_card, name="card"),
    path("manage/statement/<int:year>/", views.statement, name="statement"),
]
