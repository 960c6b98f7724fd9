"""The two ways a question can be wrong: an unknown id, or a value outside what the data allows."""

from __future__ import annotations

from collections.abc import Iterable


class NotFound(LookupError):
    """No resource of that kind has that id; the message names both."""

    def __init__(self, kind: str, id: str) -> None:
        super().__init__(f"no {kind} with id {id!r}")
        self.kind = kind
        self.id = id


class InvalidArgument(ValueError):
    """A filter or parameter value outside what the data allows; the message lists what it does."""


def check_choice(name: str, value: str | None, choices: Iterable[str]) -> None:
    choices = list(choices)
    if value is not None and value not in choices:
        raise InvalidArgument(f"{name} must be one of {', '.join(choices)}; got {value!r}")
