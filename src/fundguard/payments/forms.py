"""Console forms. They only shape the input; every rule is the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fundguard.payments.services.reports import REPORT_MAX_BYTES


class StatusReportForm(forms.Form):
    file = forms.FileField(label=_("pain.002 status report (XML)"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        content: bytes = upload.read(REPORT_MAX_BYTES + 1)
        return content
