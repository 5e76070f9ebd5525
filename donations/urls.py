"""Donation URLs outside the page tree (the Stripe webhook). Filled in by the donations work."""

urlpatterns: list = []
