from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
# Far beyond any real list, well inside a 64-bit integer (larger offsets overflow the database).
MAX_OFFSET = 10_000_000


class Pages(LimitOffsetPagination):
    """limit/offset pages with bounds, so a huge number is a 422, not a database error."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
