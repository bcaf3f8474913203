from django.dispatch import Signal

# Sent after the transaction that wrote a programme update has committed, once per update.
# Arguments: event_id, update_id, sequence, kind, session_id (None for an update of the whole
# programme). livestream listens and pushes it to the event's live audience; registrations
# sets notices, reminders and webhooks; sessions imports neither.
update_logged = Signal()
