"""The demo customer's webhook receiver (embedded mode only): it checks each delivery's signature
as a real receiver would and keeps what it got in ``var/demo-webhooks.jsonl``.

``fundguard demo`` registers it as the webhook of the demo customer 张伟 and writes the secret,
shown once at registration, to ``var/demo-webhook-secret``.
"""

from __future__ import annotations

import hmac
import json
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fundguard.notifications.signing import webhook_signature


def secret_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-webhook-secret"


def inbox_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-webhooks.jsonl"


@csrf_exempt
@require_POST
def demo_webhook_receive(request: HttpRequest) -> HttpResponse:
    """204 for a delivery signed with the demo secret; 401 for anything else."""
    try:
        secret = secret_path().read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return HttpResponse(status=503)
    timestamp = request.headers.get("X-FundGuard-Timestamp", "")
    given = request.headers.get("X-FundGuard-Signature", "")
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=request.body)
    if not timestamp.isascii() or not hmac.compare_digest(given, expected):
        return HttpResponse(status=401)
    with inbox_path().open("a", encoding="utf-8") as inbox:
        inbox.write(json.dumps(json.loads(request.body), ensure_ascii=False) + "\n")
    return HttpResponse(status=204)
