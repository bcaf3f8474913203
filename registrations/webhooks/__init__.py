"""Outgoing webhooks (Standard Webhooks): an event's team registers endpoints with a secret and
the event types they want (endpoints, views); a registration created, confirmed or cancelled, a
badge scanned, a session changed or an announcement made is queued after its commit when an
active endpoint wants it (events, subscriptions), made into one signed message per endpoint
(signing) and POSTed by the task worker with retries for three days (deliveries), never to
loopback or private addresses unless the setting allows them (addresses)."""
