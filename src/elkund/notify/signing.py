"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

The signature is ``v1,`` + base64(HMAC-SHA256(secret, f"{id}.{timestamp}.{body}")), where the
per-ESCO secret is ``whsec_`` + base64 of random bytes. Receivers verify with any Standard Webhooks
library, e.g. ``standardwebhooks.Webhook(secret).verify(body, headers)``.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def generate_secret() -> str:
    """A new signing secret for an ESCO, in the ``whsec_…`` form receivers' libraries expect."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature_headers(
    secret: str, *, msg_id: str, timestamp: datetime, body: bytes
) -> dict[str, str]:
    """The ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` headers for ``body``."""
    instant = timestamp.astimezone(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(instant.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, instant, body.decode()),
    }
