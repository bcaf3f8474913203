"""Amounts as Stripe wants them: in the currency's smallest unit
(https://docs.stripe.com/currencies)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from confman.core.exceptions import DomainError

# Amounts go to Stripe in the currency's smallest unit (https://docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA"}
    | {"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
)

THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

# Zero-decimal in practice, but sent as two-decimal amounts (whole units only).
WHOLE_UNITS_SENT_AS_CENTS = frozenset({"ISK"})


def minor_units(amount: Decimal, currency: str) -> int:
    """`amount` in the currency's smallest unit, as Stripe wants it: 12.50 EUR is 1250, 5000
    JPY is 5000, 1.25 KWD is 1250. A fraction of a currency that has none is refused."""
    code = currency.upper()
    digits = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    whole_only = code in ZERO_DECIMAL or code in WHOLE_UNITS_SENT_AS_CENTS
    if whole_only and amount != amount.to_integral_value():
        raise DomainError(
            _(
                "A price in %(currency)s cannot have a fraction (%(amount)s): the currency has no "
                "smaller unit. The organisers need to correct the ticket's price."
            )
            % {"currency": code, "amount": amount},
            code="price_not_payable",
            status=409,
        )
    value = amount.scaleb(digits)
    if value != value.to_integral_value():
        raise DomainError(
            _("The price %(amount)s %(currency)s has more decimals than the currency allows.")
            % {"currency": code, "amount": amount},
            code="price_not_payable",
            status=409,
        )
    return int(value)


def from_minor_units(value: int, currency: str) -> Decimal:
    code = currency.upper()
    digits = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    return Decimal(value).scaleb(-digits)
