"""Which seed additions (pages/seed/steps.py) a database has already received."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeedAddition(models.Model):
    """One seed addition applied to this database: it never runs again, whatever staff do."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("seed addition")
        verbose_name_plural = _("seed additions")

    def __str__(self) -> str:
        return self.name
