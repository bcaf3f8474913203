"""Standard Webhooks signing (https://www.standardwebhooks.com/): a secret "whsec_" + base64 of
24 random bytes per endpoint, a message id "msg_..." kept across retries, and per attempt the
headers webhook-id, webhook-timestamp and webhook-signature ("v1,<base64 HMAC-SHA256 of
id.timestamp.body>"), made by the specification's own library."""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook


def secret_new() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def message_id_new() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def signed_headers(secret: str, message_id: str, moment: datetime, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body),
    }
