"""Every write to tickets, quotas and registrations:

- quotas: counting seats and checking, under lock, that one is free;
- lifecycle: which state may follow which, and the one function that moves a registration;
- waitlist: payment holds and waiting-list offers, their deadlines, and offering freed seats;
- registrations: registering, approving, cancelling, changing attendance, reissuing a badge;
- tickets: creating tickets and sizing quotas.

Paying (registrations.payments) and checking in (registrations.checkin) have services of their
own, beside their pages."""
