from django.dispatch import Signal

# Sent after the transaction that changed an event's public details has committed.
# Arguments: event_id. livestream listens and tells the event's live audience.
event_changed = Signal()
