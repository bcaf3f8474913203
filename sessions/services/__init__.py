"""Every write to the programme, whether it comes from the agenda builder, the chair console, the
API or the back office. Each write locks the event's Programme row first, so agenda writes for
one event are serialised: conflict checks cannot race and the update log's numbers are gap-free.
A change the public can see (programme published, session not a draft) is written to the
SessionUpdate log in the same transaction, and announced after commit (sessions.signals).

- programme: the lock, the update log, the conflict rules every placing write passes, and
  publishing the programme;
- sessions: adding, changing, moving, publishing, cancelling and deleting sessions, and their
  status;
- chair: what a chair does while a session runs (delay, announcement, next speaker);
- people: the programme's people and their roles in sessions;
- bookmarks: a user's personal agenda."""
