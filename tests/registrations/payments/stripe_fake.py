"""Stripe for tests, replaced at the transport: the real `stripe` library builds and sends its
requests (form encoding, headers, idempotency keys, retries, error parsing), and this HTTP
client answers them the way Stripe's API does, for the few endpoints confman calls, keeping
every request for the test to read. Webhook events are signed for real with a test secret."""

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

SECRET_KEY = "sk_test_confman_fake"
WEBHOOK_SECRET = "whsec_test_confman_fake"


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]  # form fields as sent, e.g. "line_items[0][quantity]": "1"
    idempotency_key: str | None


class FakeStripeAPI(stripe.HTTPClient):
    name = "fake-stripe"

    def __init__(self):
        super().__init__()
        self.calls: list[Call] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.down = False  # answer every request like an unreachable network
        self._answered: dict[str, tuple[dict, tuple[str, int, dict]]] = {}
        self._numbers = itertools.count(1)

    # --- the transport --------------------------------------------------------------------

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        params = dict(parse_qsl(post_data or parts.query, keep_blank_values=True))
        key = (headers or {}).get("Idempotency-Key")
        self.calls.append(Call(method, parts.path, params, key))
        if self.down:
            raise stripe.APIConnectionError("Could not connect to Stripe (fake network down)")
        if method == "post" and key in self._answered:
            first_params, answer = self._answered[key]
            if first_params != params:
                return self._error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters.",
                )
            return answer
        answer = self._route(method, parts.path, params)
        if method == "post" and key:
            self._answered[key] = (params, answer)
        return answer

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self):
        pass

    def _route(self, method: str, path: str, params: dict[str, str]):
        if method == "post" and path == "/v1/checkout/sessions":
            return self._ok(self._create_session(params))
        if method == "get" and path == "/v1/checkout/sessions":
            found = [
                s
                for s in self.sessions.values()
                if s["payment_intent"] and s["payment_intent"] == params.get("payment_intent")
            ]
            return self._ok({"object": "list", "data": found, "has_more": False, "url": path})
        if method == "get" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return self._error(404, "resource_missing", "No such checkout.session")
            return self._ok(session)
        if method == "post" and path == "/v1/refunds":
            return self._create_refund(params)
        return self._error(404, "resource_missing", f"Unrecognized request URL ({path}).")

    def _ok(self, body: dict) -> tuple[str, int, dict]:
        return json.dumps(body), 200, {"request-id": f"req_{next(self._numbers)}"}

    def _error(self, status: int, code: str, message: str) -> tuple[str, int, dict]:
        body = {"error": {"type": "invalid_request_error", "code": code, "message": message}}
        if code == "idempotency_error":
            body["error"]["type"] = "idempotency_error"
        return json.dumps(body), status, {"request-id": f"req_{next(self._numbers)}"}

    # --- the resources ----------------------------------------------------------------------

    def _create_session(self, params: dict[str, str]) -> dict:
        number = next(self._numbers)
        session_id = f"cs_test_{number:06d}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")
            },
            "amount_total": int(params["line_items[0][price_data][unit_amount]"])
            * int(params["line_items[0][quantity]"]),
            "currency": params["line_items[0][price_data][currency]"],
            "expires_at": int(params["expires_at"]),
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
        }
        self.sessions[session_id] = session
        return session

    def _create_refund(self, params: dict[str, str]):
        payment_intent = params.get("payment_intent")
        if any(r["payment_intent"] == payment_intent for r in self.refunds.values()):
            return self._error(400, "charge_already_refunded", "Charge has already been refunded.")
        refund_id = f"re_test_{next(self._numbers):06d}"
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "payment_intent": payment_intent,
            "status": "succeeded",
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")
            },
        }
        return self._ok(self.refunds[refund_id])

    # --- what happens on Stripe's side, for tests -------------------------------------------

    def calls_to(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path == path]

    def complete(self, session_id: str, *, paid: bool = True) -> dict:
        """The attendee pays (or, with paid=False, starts a bank debit that has not cleared)."""
        session = self.sessions[session_id]
        session["status"] = "complete"
        session["payment_status"] = "paid" if paid else "unpaid"
        session["payment_intent"] = session["payment_intent"] or f"pi_for_{session_id}"
        return dict(session)

    def settle(self, session_id: str, *, paid: bool) -> dict:
        """A bank debit clears (paid) or fails."""
        session = self.sessions[session_id]
        session["payment_status"] = "paid" if paid else "unpaid"
        return dict(session)

    def expire(self, session_id: str) -> dict:
        session = self.sessions[session_id]
        session["status"] = "expired"
        return dict(session)

    def charge_refunded(self, session_id: str, *, full: bool = True) -> dict:
        """Someone refunds the session's charge on Stripe (e.g. in the dashboard)."""
        session = self.sessions[session_id]
        payment_intent = session["payment_intent"]
        refund_id = f"re_dash_{next(self._numbers):06d}"
        self.refunds[refund_id] = {"id": refund_id, "payment_intent": payment_intent}
        amount = session["amount_total"]
        return {
            "id": f"ch_for_{session_id}",
            "object": "charge",
            "payment_intent": payment_intent,
            "amount": amount,
            "amount_refunded": amount if full else amount // 2,
            "refunded": full,
        }


_events = itertools.count(1)


def stripe_event(kind: str, obj: dict, event_id: str | None = None) -> dict:
    """A webhook event as Stripe sends it."""
    return {
        "id": event_id or f"evt_test_{next(_events):06d}",
        "object": "event",
        "api_version": stripe.api_version,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": kind,
        "data": {"object": obj},
    }


def signature(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send: t=<time>,v1=<HMAC-SHA256>."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
