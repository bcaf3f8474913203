"""Change notices: rounds that work out who is told what (rounds), the mail (sending), and
the pages to unsubscribe and to steer them (views)."""
