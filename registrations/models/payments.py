"""Stripe Checkout payments of a registration, and the Stripe events already applied."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registrations.models.registrations import Registration
from registrations.models.tickets import currency_validator


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("Checkout open")
    PAID = "paid", _("Paid")
    FAILED = "failed", pgettext_lazy("payment status", "Failed")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")
    # Stripe says the session was paid, but not the amount or currency it asked for: nothing is
    # confirmed, and the organisers are told (the registrations list) to look into it.
    MISMATCH = "mismatch", _("Paid another amount")


class Payment(models.Model):
    """One Stripe Checkout Session for a registration, and what became of it."""

    Status = PaymentStatus

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="payments"
    )
    checkout_session_id = models.CharField(
        _("Stripe Checkout Session"), max_length=255, unique=True
    )
    payment_intent_id = models.CharField(_("Stripe PaymentIntent"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.OPEN
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refund_id = models.CharField(_("Stripe refund"), max_length=255, blank=True)
    received_amount = models.DecimalField(
        _("amount received"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    received_currency = models.CharField(_("currency received"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.reference} {self.amount} {self.currency} {self.status}"


class StripeEvent(models.Model):
    """Every Stripe webhook event, recorded once by its id: a replay is answered and ignored."""

    event_id = models.CharField(_("Stripe event"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
