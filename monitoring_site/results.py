"""What a service that makes a credential returns: the object and its one-time secret, explicitly.

The secret is stored hashed and shown once, so it never rides on the model instance as an attribute; a
serializer that shows it takes it from its context. A ``NamedTuple``: ``obj, secret = ...`` works too."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Created(NamedTuple, Generic[T]):
    obj: T
    secret: str
