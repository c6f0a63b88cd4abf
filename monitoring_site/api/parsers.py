"""The API's JSON parser: a request body is one JSON object, of bounded depth, whose integers fit in 64 bits.

Each rule turns what would be a 500 deeper down (``RecursionError`` in the decoder, ``OverflowError`` in the
database driver, ``AttributeError`` on ``request.data.get`` of a list) into a 400 ``validation_error``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _int64(text: str) -> int:
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"the integer {text[:30]} is outside the 64-bit range")
    return value


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            data = json.loads(text, parse_int=_int64, parse_constant=_no_constant)
        except RecursionError:
            raise ParseError("JSON nested too deeply.") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if not isinstance(data, dict):
            raise ParseError("The body must be a JSON object.")
        return data


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")
