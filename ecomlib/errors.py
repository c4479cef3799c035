"""The small exception family every ecomlib function raises.

Each error carries a plain-language ``fix`` that says what the user should do, in the
style of papermill's exceptions. Catch :class:`EcomlibError` to catch them all; each
subclass also derives from the built-in exception a Python user would expect
(``ValueError`` for bad values, ``KeyError`` for missing columns or names).
"""

from __future__ import annotations

__all__ = [
    "EcomlibError",
    "SchemaError",
    "DataError",
    "ParameterError",
    "NotFittedError",
    "NotIdentifiableError",
]


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
        self.message = message
        self.fix = fix
        super().__init__(message)

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
