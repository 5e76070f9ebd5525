"""Monthly donors manage their own gift: sign-in links, changes through Stripe, audit lines,
failed-payment recovery and yearly giving statements (issue 12).

``donor_portal`` may import ``donations``; ``donations`` never imports it, and tells it what the
webhook learned through ``donations/signals.py``.
"""
