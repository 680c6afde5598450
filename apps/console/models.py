from django.conf import settings
from django.db import models


class StaffAction(models.Model):
    """The audit of the console: every action a staff member asked for (who, what, on what, when, outcome),
    refused ones included. The admin's own changes are in Django's LogEntry; state changes also carry their
    actor in the transition log."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, help_text="kept when the user is deleted")
    action = models.CharField(max_length=80, help_text="console view, and the form's action when it has one")
    target = models.CharField(max_length=200, blank=True, help_text="the case, delivery or control acted on")
    params = models.JSONField(default=dict, blank=True, help_text="the form's fields (no CSRF token)")
    status = models.PositiveSmallIntegerField(help_text="HTTP status answered: 302 done, 4xx refused")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.target} → {self.status}"
