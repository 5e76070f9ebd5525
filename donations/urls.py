"""Donation URLs outside the page tree: the Stripe webhook."""

from django.urls import path

from donations.views import stripe_webhook

urlpatterns = [
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
]
