"""The console's filter form for the notifications list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fundguard.notifications.models import Channel, NotificationStatus


class NotificationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), *NotificationStatus.choices],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices]
    )
