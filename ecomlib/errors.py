"""The small exception family every ecomlib function raises.

Each error carries a plain-language ``fix`` that says what the user should do, in the
style of papermill's exceptions. Catch :class:`EcomlibError` to catch them all; each
subclass also derives from the built-in exception a Python user would expect
(``ValueError`` for bad values, ``KeyError`` for missing columns or names).

Messages never grow without bound: a value echoed from the user's data goes through
:func:`shorten`, and a whole message or fix longer than :data:`MAX_MESSAGE_CHARS` is cut
(a 271-byte YAML file of nested aliases once produced a 15 MB message).
"""

from __future__ import annotations

__all__ = [
    "MAX_ECHO_CHARS",
    "MAX_MESSAGE_CHARS",
    "shorten",
    "DataWarning",
    "EcomlibError",
    "SchemaError",
    "DataError",
    "ParameterError",
    "NotFittedError",
    "NotIdentifiableError",
]

MAX_ECHO_CHARS = 500  # characters of an echoed value (a cell, a header, a parser's message)
MAX_MESSAGE_CHARS = 4000  # characters of a whole message or fix


def shorten(value: object, limit: int = MAX_ECHO_CHARS) -> str:
    """``str(value)``, cut to ``limit`` characters with a note of how many were left out.

    Examples
    --------
    >>> shorten("x" * 1000, 10)
    'xxxxxxxxxx… (990 more characters)'
    """
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


class DataWarning(UserWarning):
    """The data were read, but something looks wrong (e.g. garbled text from a wrong encoding)."""


class EcomlibError(Exception):
    """Base class of every error ecomlib raises on purpose.

    Parameters
    ----------
    message : str
        What went wrong, in one or two plain sentences.
    fix : str, optional
        What to do about it. Shown after the message.
    """

    def __init__(self, message: str, *, fix: str | None = None):
        self.message = shorten(message, MAX_MESSAGE_CHARS)
        self.fix = None if fix is None else shorten(fix, MAX_MESSAGE_CHARS)
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.fix:
            return f"{self.message}\nHow to fix: {self.fix}"
        return self.message


class SchemaError(EcomlibError, KeyError):
    """A table lacks required columns or has columns of the wrong type."""

    # KeyError.__str__ would quote the message; keep it readable.
    __str__ = EcomlibError.__str__


class DataError(EcomlibError, ValueError):
    """The data cannot be used as it is: no rows, too many unparseable values, a degenerate case."""


class ParameterError(EcomlibError, ValueError):
    """A function or report parameter has a value outside what is allowed."""


class NotFittedError(EcomlibError, AttributeError):
    """A model was used before ``fit()`` was called."""


class NotIdentifiableError(DataError):
    """The data hold too little variation to estimate the quantity asked for."""
