"""Channel-layer group names, built in one place (names allow ASCII letters, digits, - _ .)."""


def event_group(event_id: int) -> str:
    # The id, not the slug: an organiser may rename the slug while people are watching.
    return f"event-{event_id}.live"
