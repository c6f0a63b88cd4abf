"""What a check needs to know, and nothing more: the platform's ``Monitor`` model has these attributes, and
a probe builds a ``CheckSpec`` from each check it claims (``SPEC_FIELDS`` is the claim's wire format)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Protocol

KIND_WEBSITE, KIND_KEYWORD, KIND_JSON = "website", "keyword", "json"
KIND_PORT, KIND_PING, KIND_DNS = "port", "ping", "dns"


class Checkable(Protocol):
    """What the checkers read (a ``CheckSpec``, or the platform's ``Monitor``)."""

    @property
    def pk(self) -> Any: ...
    @property
    def type(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def port(self) -> int | None: ...
    @property
    def method(self) -> str: ...
    @property
    def headers(self) -> Any: ...
    @property
    def body(self) -> str: ...
    @property
    def expected_status(self) -> Any: ...
    @property
    def follow_redirects(self) -> bool: ...
    @property
    def keyword(self) -> str: ...
    @property
    def keyword_absent(self) -> bool: ...
    @property
    def json_path(self) -> str: ...
    @property
    def json_expected(self) -> str: ...
    @property
    def verify_tls(self) -> bool: ...
    @property
    def dns_record_type(self) -> str: ...
    @property
    def dns_expected(self) -> str: ...
    @property
    def timeout(self) -> float: ...


@dataclass
class CheckSpec:
    pk: int
    type: str
    target: str
    port: int | None = None
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    expected_status: list[Any] = field(default_factory=list)
    follow_redirects: bool = True
    keyword: str = ""
    keyword_absent: bool = False
    json_path: str = ""
    json_expected: str = ""
    verify_tls: bool = True
    dns_record_type: str = "A"
    dns_expected: str = ""
    timeout: float = 10.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckSpec:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


SPEC_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CheckSpec))
