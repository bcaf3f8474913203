"""Paying for a ticket with Stripe Checkout, and what Stripe tells us afterwards.

A paid ticket's registration holds its seat (`pending_payment`) while the attendee pays on a
Stripe Checkout page (checkout.py). Stripe reports the outcome to the webhook (views.py), which
hands each event to webhook.py; refunds.py gives money back, for an organiser or the attendee.
No Stripe call is made while a transaction holds a lock, and calls that change something carry
an idempotency key. Every state change goes through services.lifecycle, with the registration
locked. With no STRIPE_SECRET_KEY (the embedded default) paid tickets say that payments are not
set up; free tickets need none of this.

- client.py: the Stripe client, its transport and its errors;
- amounts.py: prices in the currency's smallest unit;
- checkout.py: opening (or continuing) a Checkout Session, and where a payment stands;
- refunds.py: refunds, and whether the attendee may ask for one;
- webhook.py: applying Stripe's events, idempotently and in any order;
- views.py: the pay and paid pages, and the webhook endpoint."""
