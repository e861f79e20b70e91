"""The one error type for refused input: forms, uploads, the office config, CLI arguments.

Every problem names its field, so a page shows each on its own line and a person knows what to
correct; one exception carries all of a form's problems, so a page catches one type.

A problem's field and message are translated when shown (str, FormError.messages): a module-level
problem holds the Polish texts marked with N_() and comes out in the language of the run that shows
it; a problem built in a run with _() (a message with values filled in) is already translated, and
translating it again leaves it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ebok.core.i18n import _


@dataclass(frozen=True)
class Problem:
    """One refused field: its name as the form shows it (or a config key) and what is wrong.

    Both are Polish msgids (N_) or texts already translated with _(); str() shows them translated.
    """

    field: str  # "" when the problem concerns the whole form
    message: str

    def __str__(self) -> str:
        message = _(self.message) if self.message else ""
        if not self.field:
            return message
        return _("{field}: {message}").format(field=_(self.field), message=message)


class FormError(ValueError):
    """Input refused: every field's problem, each a sentence naming the field."""

    def __init__(self, problems: Problem | Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = (problems,) if isinstance(problems, Problem) else tuple(problems)
        super().__init__("\n".join(self.messages))

    @classmethod
    def one(cls, field: str, message: str) -> FormError:
        """Return the error for a single refused field."""
        return cls(Problem(field, message))

    @property
    def messages(self) -> list[str]:
        """Return the problems as the sentences a page shows ("E-mail: nieprawidłowy adres."), translated."""
        return [str(p) for p in self.problems]

    @property
    def fields(self) -> frozenset[str]:
        """Return the names of the refused fields (as given: msgids or translated names)."""
        return frozenset(p.field for p in self.problems)


class Problems:
    """Collects a form's problems while every field is checked, then raises them together."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        """Record that FIELD is refused with MESSAGE."""
        self._items.append(Problem(field, message))

    def extend(self, error: FormError) -> None:
        """Record every problem of an error raised by a nested check."""
        self._items.extend(error.problems)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def raise_if_any(self) -> None:
        """Raise FormError with everything recorded; do nothing when every field passed."""
        if self._items:
            raise FormError(self._items)
