"""Reading the chapter's editable tables (fee schedule, tax rules): a path, a DataFrame, or the
bundled file when nothing is given, with the same errors for each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecomlib import resources
from ecomlib.errors import DataError, ParameterError

__all__ = ["open_table"]


def open_table(path_or_frame, *, parameter: str, default_file: str, file_label: str, label: str,
               not_found_fix: str, **read_csv) -> tuple[pd.DataFrame, str]:
    """The table and how messages name it.

    Parameters
    ----------
    path_or_frame : str, Path, DataFrame or None
        None or a blank string: the bundled ``default_file`` (``ecomlib/data_files/platforms/``).
    parameter : str
        The parameter's name, for messages (``fee_schedule``).
    default_file : str
        File name of the bundled table.
    file_label, label : str
        How a missing file and a read file are named ("tax-rules file", "tax rules").
    not_found_fix : str
        What to do when the file does not exist.
    **read_csv
        Passed to :func:`pandas.read_csv`.

    Returns
    -------
    (DataFrame, str)
        A copy of the table, and its name for messages (```fee_schedule``` for a frame,
        ``the fee schedule 'fees.csv'`` for a file).
    """
    if path_or_frame is None or (isinstance(path_or_frame, str) and not path_or_frame.strip()):
        path_or_frame = resources.platforms_dir() / default_file
    if isinstance(path_or_frame, pd.DataFrame):
        return path_or_frame.copy(), f"`{parameter}`"
    if isinstance(path_or_frame, str | Path):
        path = Path(path_or_frame)
        if not path.is_file():
            raise DataError(f"The {file_label} {str(path)!r} does not exist.", fix=not_found_fix)
        return pd.read_csv(path, **read_csv), f"the {label} {path.name!r}"
    raise ParameterError(f"`{parameter}` must be a path or a DataFrame, not {type(path_or_frame).__name__}.")
