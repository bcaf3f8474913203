import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from confman.core.exceptions import InvalidInput


def _nul_paths(value: Any, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _nul_paths(item, _join(path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _nul_paths(item, _join(path, i))]
    return []


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


class JsonParser(Parser):
    """JSON bodies, refusing the NUL character, which PostgreSQL cannot store in text, and
    nesting deep enough to exhaust the parser's recursion."""

    def parse_body(self, request: HttpRequest) -> dict:
        try:
            data = json.loads(request.body)
        except RecursionError:
            raise InvalidInput.for_fields(
                {"body": [_("the JSON is nested too deeply; no operation takes that")]}
            ) from None
        fields = _nul_paths(data)
        if fields:
            raise InvalidInput.for_fields(
                {field: [_("text cannot contain the NUL character (U+0000)")] for field in fields}
            )
        return data
