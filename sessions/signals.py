from django.dispatch import Signal

# Sent after the transaction that wrote a programme update has committed, once per update.
# Arguments: event_id, update_id, sequence. livestream listens and pushes it to the event's live
# audience; sessions does not import livestream.
update_logged = Signal()
