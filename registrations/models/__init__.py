"""Registrations' models, one module per topic, all importable from here (migrations and the
rest of the code say `registrations.models.X`):

- tickets: ticket types, their quotas and questions, the event's registration settings;
- registrations: a registration, its state and the history of its states;
- payments: Stripe payments and the Stripe events already applied;
- badges: revoked badge codes, badge print runs and what they printed;
- checkins: every scan at a desk and its answer;
- attendance: who followed the event online, and for how long;
- certificates: certificates of attendance and their settings;
- idempotency: answers kept for a client's retries (the Idempotency-Key header);
- notices: change notices (their settings per event, unsubscribed addresses, what was sent);
- webhooks: outgoing webhooks (the integrators' endpoints and the log of what was sent).

Capacity is counted, never stored as a running total: a quota's seats in use are the
registrations that hold a seat against it (see `holding`)."""

from registrations.models.attendance import Viewing
from registrations.models.badges import (
    BadgePrint,
    BadgePrintRun,
    PrintLayout,
    PrintRunStatus,
    RevokedBadge,
    new_badge_secret,
)
from registrations.models.certificates import (
    Certificate,
    CertificateSettings,
    certificate_code_display,
    certificate_code_normal,
    new_certificate_code,
)
from registrations.models.checkins import CheckIn, ScanResult, ScanType
from registrations.models.idempotency import IdempotentRequest
from registrations.models.notices import (
    Notice,
    NoticeKind,
    NoticeOptOut,
    NoticeSettings,
    NoticeStatus,
    Reminder,
)
from registrations.models.payments import Payment, PaymentStatus, StripeEvent
from registrations.models.registrations import (
    SEARCH_FOLDS,
    Gender,
    Registration,
    State,
    Transition,
    active,
    holding,
    new_reference,
    search_fold,
    search_text_of,
    search_words,
    with_address,
)
from registrations.models.tickets import (
    BadgeRole,
    Question,
    QuestionKind,
    Quota,
    RegistrationSettings,
    TicketModes,
    TicketType,
    Visibility,
    currency_validator,
)
from registrations.models.webhooks import (
    PausedReason,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEventType,
)

# Where each constraint's error belongs in a form or an API answer.
CONSTRAINT_FIELDS = {
    "ticket_name_taken": "name",
    "sales_window": "sales_end",
    "access_code_missing": "access_code",
    "negative_price": "price",
    "organization_taken": "organization_name",
}

__all__ = [
    "CONSTRAINT_FIELDS",
    "BadgePrint",
    "BadgePrintRun",
    "BadgeRole",
    "Certificate",
    "CertificateSettings",
    "CheckIn",
    "Gender",
    "IdempotentRequest",
    "Notice",
    "NoticeKind",
    "NoticeOptOut",
    "NoticeSettings",
    "NoticeStatus",
    "Reminder",
    "PausedReason",
    "Payment",
    "PaymentStatus",
    "PrintLayout",
    "PrintRunStatus",
    "Question",
    "QuestionKind",
    "Quota",
    "Registration",
    "RegistrationSettings",
    "RevokedBadge",
    "SEARCH_FOLDS",
    "ScanResult",
    "ScanType",
    "State",
    "StripeEvent",
    "TicketModes",
    "TicketType",
    "Transition",
    "Viewing",
    "Visibility",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
    "WebhookEventType",
    "currency_validator",
    "active",
    "certificate_code_display",
    "certificate_code_normal",
    "holding",
    "new_badge_secret",
    "new_certificate_code",
    "new_reference",
    "search_fold",
    "search_text_of",
    "search_words",
    "with_address",
]
