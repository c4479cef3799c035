"""Exercises with ``check()`` / ``hint()`` / ``solution()`` for the chapter notebooks.

A notebook loads its chapter's exercise bank with the same data it analyses, so every
expected answer is computed from that data and stays right when the parameters change::

    from ecomlib.teaching import ____, exercises
    ex = exercises.load("basics", transactions=tx, sessions=sessions)

    answer = ____                  # the student replaces ____ with code
    ex.q1.check(answer)            # correct / incorrect (with a hint) / not attempted
    ex.q1.hint()                   # first hint; ex.q1.hint(2) the second
    ex.q1.solution()               # shows the solution code
    ex.progress()                  # which questions are done

Writing a bank
--------------
Each chapter keeps its bank in ``ecomlib/<chapter>/exercises.py`` with one function::

    def build(ctx: dict) -> list[Question]: ...

``ctx`` holds the keyword arguments the notebook passed to :func:`load` (tables and
parameters). Each :class:`Question` names its expected answer as a function of ``ctx``
(evaluated on first check, so a question whose table is missing says so instead of
breaking the others), a tolerance, hints, known mistakes and solution code that assigns
``answer``. The solution code runs with the names in ``ctx`` plus ``pd``, ``np`` and
``ecomlib``; tests run every solution through its own check.

How close is close enough
-------------------------
A student copies the number the notebook prints, so a numeric answer is accepted within the
looser of a relative tolerance (``rel_tol``, 0.5 % by default) and half a unit of the last
digit the notebook prints (``decimals``): with ``decimals=4``, ``0.2464`` is right for
0.246381. :meth:`Question.tolerance_text` states the rule under every question. An answer
that matches the expected value rounded to the digits the student gave, but is not within
the tolerance, reads "close: give more digits".

``unit`` says what the number is (``"share"``, ``"percent"``, ``"money"``, ``"count"``,
``"number"``): only a share or a percent gets the "percentage where a fraction is asked
for" hint. Text answers accept either half of a bilingual name: ``"Sports"``, ``"運動"``
and ``"運動 Sports"`` all match ``"運動 Sports"``.

A bank whose later questions need objects the notebook computes further down (a fitted
model, say) takes them with :meth:`ExerciseSet.update`, so a chapter keeps one bank and one
progress table.
"""

from __future__ import annotations

import importlib
import math
import numbers
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, EcomlibError, ParameterError

__all__ = [
    "CheckResult",
    "ExerciseSet",
    "Mistake",
    "Question",
    "____",
    "load",
    "text_forms",
]

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"
UNAVAILABLE = "unavailable"


class _Placeholder:
    """The blank a student replaces: ``answer = ____``."""

    _instance: _Placeholder | None = None

    def __new__(cls) -> _Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False


#: Placeholder for an answer not written yet. ``check(____)`` says "not attempted".
____ = _Placeholder()


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and the hint it deserves.

    Parameters
    ----------
    answer : callable or value
        The wrong answer, or a function of ``ctx`` returning it (e.g. revenue computed with
        cancelled orders left in).
    message : str
        What the student probably did, phrased as a hint. Never states the right value.
    """

    answer: Any
    message: str


@dataclass(frozen=True)
class CheckResult:
    """The outcome of ``Question.check``: status and a message for the student."""

    question: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        icon = {CORRECT: "✅", INCORRECT: "❌", NOT_ATTEMPTED: "✏️"}.get(self.status, "⏭️")
        return f"{icon} {self.question}: {self.message}"

    def _repr_markdown_(self) -> str:
        return repr(self)


class _Text(str):
    """A string that displays as Markdown in a notebook (hints and solutions)."""

    def _repr_markdown_(self) -> str:
        return str(self)


@dataclass
class Question:
    """One exercise.

    Parameters
    ----------
    name : str
        Attribute name in the set, ``"q1"``, ``"q2"``, ...
    prompt : str
        The question as the notebook asks it (one sentence, with units).
    expected : callable or value
        The right answer, or a function ``expected(ctx)`` computing it from the notebook's
        data. Numbers, strings (compared case-insensitively), booleans and collections of
        strings (compared as sets) are supported.
    solution_code : str
        Python code that assigns ``answer``; shown by :meth:`solution` and run by tests.
    hints : sequence of str
        Hints from gentle to explicit; none of them may state the expected value.
    rel_tol, abs_tol : float
        Tolerance for numeric answers: correct when ``|answer - expected| <=
        max(abs_tol, rel_tol * |expected|, 0.5 * 10**-decimals)``. The default ``rel_tol``
        (0.5 %) accepts rounding to 3 significant digits.
    decimals : int, optional
        Decimals the notebook prints this value with (``2`` for ``355.50``, ``0`` for
        ``1,540``, ``-3`` for ``¥2,941,000``); half a unit of the last printed digit is
        accepted, so the printed value is always right.
    unit : {"number", "share", "percent", "money", "count"}
        What the number is; a share (fraction, 0.05 = 5 %) or a percent (5 = 5 %) gets a
        hint when the answer is 100 times too large or small.
    mistakes : sequence of Mistake
        Known wrong answers with a targeted hint.
    requires : sequence of str
        Keys of ``ctx`` the question needs; when one is missing or None the question reports
        itself unavailable instead of failing.
    """

    name: str
    prompt: str
    expected: Any
    solution_code: str
    hints: Sequence[str] = ()
    rel_tol: float = 5e-3
    abs_tol: float = 0.0
    mistakes: Sequence[Mistake] = ()
    decimals: int | None = None
    unit: str = "number"
    requires: Sequence[str] = ()
    ctx: dict = field(default_factory=dict, repr=False)
    status: str = field(default=NOT_ATTEMPTED, init=False)
    attempts: int = field(default=0, init=False)
    hints_seen: int = field(default=0, init=False)

    # ------------------------------------------------------------ expected value
    def _missing(self) -> list[str]:
        return [k for k in self.requires if self.ctx.get(k) is None]

    def expected_value(self) -> Any:
        """Compute the expected answer from the data (used by checks and tests)."""
        missing = self._missing()
        if missing:
            raise DataError(
                f"Exercise {self.name} needs {missing}, which this notebook run does not have."
            )
        if callable(self.expected):
            return self.expected(self.ctx)
        return self.expected

    # ------------------------------------------------------------ student API
    def check(self, answer: Any) -> CheckResult:
        """Say whether ``answer`` is correct, with a hint when it is not."""
        if answer is ____ or isinstance(answer, _Placeholder):
            return CheckResult(self.name, NOT_ATTEMPTED, "not attempted yet: replace ____ with your answer.")
        missing = self._missing()
        if missing:
            return CheckResult(
                self.name, UNAVAILABLE,
                f"skipped: this question needs {', '.join(f'`{m}`' for m in missing)}, which this "
                "run has not computed (its section was skipped, or has not run yet).",
            )
        self.attempts += 1
        expected = self.expected_value()
        tol = self.tolerance(expected)
        ok, message = _compare(answer, expected, tol, self.unit)
        if ok:
            self.status = CORRECT
            return CheckResult(self.name, CORRECT, "correct. Well done!")
        for mistake in self.mistakes:
            wrong = mistake.answer(self.ctx) if callable(mistake.answer) else mistake.answer
            if _compare(answer, wrong, self.tolerance(wrong), self.unit)[0]:
                message = mistake.message
                break
        if self.status != CORRECT:
            self.status = INCORRECT
        hint = "" if self.hints_seen else " Try `.hint()`."
        if message.startswith("close:"):
            return CheckResult(self.name, INCORRECT, message)
        return CheckResult(self.name, INCORRECT, f"not quite. {message}{hint}")

    def tolerance(self, expected: Any = None) -> float:
        """Absolute tolerance for a numeric answer near ``expected`` (see the module notes)."""
        if expected is None:
            expected = self.expected_value()
        if not _is_number(expected):
            return 0.0
        printed = 0.5 * 10.0 ** -self.decimals if self.decimals is not None else 0.0
        # a hair above half a unit, so the printed value itself passes despite float error
        return max(self.abs_tol, self.rel_tol * abs(float(expected)), printed * (1 + 1e-9))

    def tolerance_text(self) -> str:
        """The accepted precision, as the notebook shows it under the question."""
        if self.unit == "text":
            return "Text answers: the English or the Chinese name."
        rel = f"{self.rel_tol:.2%}".replace(".00%", " %").replace("%", " %").replace("  ", " ")
        if self.decimals is None:
            return f"Accepted within {rel} of the exact value."
        if self.decimals > 0:
            digits = f"to the {self.decimals} decimal{'s' if self.decimals > 1 else ''} the notebook prints"
        elif self.decimals == 0:
            digits = "to the whole number the notebook prints"
        else:
            digits = f"to the nearest {10 ** -self.decimals:,}, as the notebook prints it"
        return f"Accepted within {rel} or {digits}, whichever is looser."

    def hint(self, n: int = 1) -> _Text:
        """Return hint number ``n`` (1-based); asking beyond the last gives the last one."""
        if not self.hints:
            return _Text("No hints for this question; see `.solution()`.")
        if not isinstance(n, numbers.Integral) or n < 1:
            raise ParameterError(f"`n` must be a whole number >= 1, but {n!r} was passed.")
        k = min(int(n), len(self.hints))
        self.hints_seen = max(self.hints_seen, k)
        more = f" (hint {k} of {len(self.hints)})"
        if n > len(self.hints):
            more = f" (that was the last hint; there are {len(self.hints)})"
        return _Text(f"💡 {self.hints[k - 1]}{more}")

    def solution(self) -> _Text:
        """Return the solution code (shown as a code block in the notebook)."""
        return _Text(f"```python\n{self.solution_code.strip()}\n```")

    def run_solution(self) -> Any:
        """Execute the solution code on the notebook's data and return its ``answer``."""
        namespace: dict[str, Any] = {"pd": pd, "np": np}
        namespace["ecomlib"] = importlib.import_module("ecomlib")
        # copies, so a solution can never change the notebook's tables
        namespace.update({k: v.copy() if isinstance(v, pd.DataFrame) else v for k, v in self.ctx.items()})
        exec(compile(self.solution_code, f"<solution {self.name}>", "exec"), namespace)  # noqa: S102
        if "answer" not in namespace:
            raise EcomlibError(f"The solution of {self.name} does not assign `answer`.")
        return namespace["answer"]

    def __repr__(self) -> str:
        return f"{self.name}: {self.prompt}"

    def _repr_markdown_(self) -> str:
        try:
            numeric = _is_number(self.expected_value())
        except Exception:  # noqa: BLE001 - unavailable in this run; check() says why
            numeric = False
        if not numeric:  # yes/no, text and list answers have no tolerance to state
            return f"**{self.name}.** {self.prompt}"
        return f"**{self.name}.** {self.prompt} <small>({self.tolerance_text()})</small>"


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real | np.number) and not isinstance(x, bool | np.bool_)


_BILINGUAL = re.compile(r"^([\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]+)\s+(\S.*)$")


def text_forms(name: Any) -> set[str]:
    """Ways a student may write ``name``: whole, or either half of ``"運動 Sports"``.

    Examples
    --------
    >>> sorted(text_forms("運動 Sports"))
    ['sports', '運動', '運動 sports']
    """
    text = " ".join(str(name).split()).casefold()
    forms = {text}
    match = _BILINGUAL.match(text)
    if match:
        forms |= {match.group(1), match.group(2)}
    return forms


def _same_name(answer: Any, expected: Any) -> bool:
    return bool(text_forms(answer) & text_forms(expected))


def _compare(answer: Any, expected: Any, tol: float, unit: str = "number") -> tuple[bool, str]:
    """Return (is_correct, hint about the kind of mistake) without revealing ``expected``.

    ``tol`` is the absolute tolerance of a numeric answer (see :meth:`Question.tolerance`).
    """
    if isinstance(expected, bool | np.bool_):
        if not isinstance(answer, bool | np.bool_):
            return False, "The answer should be True or False."
        return bool(answer) == bool(expected), "Think about the sign of the effect again."
    if _is_number(expected):
        if isinstance(answer, pd.Series | pd.DataFrame | np.ndarray) and np.size(answer) == 1:
            answer = np.asarray(answer).ravel()[0]
        if not _is_number(answer):
            return False, f"The answer should be a single number, but it is a {type(answer).__name__}."
        a, e = float(answer), float(expected)
        if not math.isfinite(a):
            return False, "Your answer is not a finite number; check for a division by zero."
        if abs(a - e) <= tol:
            return True, ""
        return False, _numeric_hint(a, e, tol, unit)
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return False, f"The answer should be text, but it is a {type(answer).__name__}."
        return _same_name(answer, expected), "Look at the table again."
    if isinstance(expected, set | frozenset | list | tuple):
        if isinstance(answer, str) or not hasattr(answer, "__iter__"):
            return False, "The answer should be a list of names."
        want = [str(x) for x in expected]
        given = [str(x) for x in answer]
        matched = {w for w in want if any(_same_name(g, w) for g in given)}
        extra = [g for g in given if not any(_same_name(g, w) for w in want)]
        if len(matched) == len(set(want)) and not extra:
            return True, ""
        if not extra:
            return False, "Some names are missing from your list."
        if len(matched) == len(set(want)):
            return False, "Your list has names that do not belong."
        return False, "Your list does not match; check the condition you filtered on."
    return answer == expected, "Look at the result again."


def _decimals_given(a: float) -> int | None:
    """Decimals the student typed (``0.25`` -> 2, ``1500.0`` -> 0, ``1500`` -> 0)."""
    try:
        exponent = Decimal(repr(a)).normalize().as_tuple().exponent
    except InvalidOperation:
        return None
    return max(0, -int(exponent)) if isinstance(exponent, int) else None


def _numeric_hint(a: float, e: float, tol: float, unit: str = "number") -> str:
    given = _decimals_given(a)
    if given is not None and a != 0 and e != 0 and math.isclose(round(e, given), a, rel_tol=1e-12, abs_tol=1e-12):
        return "close: give more digits (your answer is the right value rounded too far)."
    if e != 0 and a != 0:
        ratio = a / e
        checks = [(-1.0, "Check the sign: is it a fall where you computed a rise, or the reverse?")]
        if unit == "share":
            checks.append((100.0, "Is your answer a percentage where a fraction is asked for?"))
        if unit == "percent":
            checks.append((0.01, "Is your answer a fraction where a percentage is asked for?"))
        for factor, text in checks:
            if abs(ratio - factor) <= abs(factor) * 5e-3:
                return text
        if ratio > 3 or ratio < 1 / 3:
            return "Your answer is far off; check the units and which rows you included."
    return "Your answer is too high." if a > e else "Your answer is too low."


class ExerciseSet:
    """The questions of one chapter; access them as attributes (``ex.q1``)."""

    def __init__(self, chapter: str, questions: Sequence[Question]):
        self.chapter = chapter
        self._questions = {q.name: q for q in questions}
        if len(self._questions) != len(questions):
            raise EcomlibError(f"Exercise bank {chapter!r} has duplicate question names.")

    def __getattr__(self, name: str) -> Question:
        questions = self.__dict__.get("_questions", {})
        if name in questions:
            return questions[name]
        raise AttributeError(
            f"Chapter {self.__dict__.get('chapter')!r} has no exercise {name!r}; "
            f"it has {list(questions)}."
        )

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._questions]

    def __iter__(self):
        return iter(self._questions.values())

    def __len__(self) -> int:
        return len(self._questions)

    @property
    def questions(self) -> list[Question]:
        return list(self._questions.values())

    def update(self, **ctx: Any) -> ExerciseSet:
        """Give the questions tables or objects computed later in the notebook.

        A chapter keeps one bank: questions that need, say, a fitted model list it in
        ``requires`` and read as unavailable until the notebook calls
        ``ex.update(model=model)``. Returns the set, so ``ex = ex.update(...)`` also works.
        """
        for q in self:
            q.ctx = {**q.ctx, **ctx}
        return self

    def precision_check(self) -> pd.DataFrame:
        """Check every numeric question against the precision a student types (for bank authors).

        For each question with a number as its answer: the expected value rounded as the
        notebook prints it (``decimals``; 3 significant digits when not set) must pass, and a
        value 5 % off (at least 1.5 printed units off, so small counts and zeros are tested
        too) must not. Questions whose answer is unavailable in this run are left out.

        Returns
        -------
        DataFrame
            One row per numeric question (index ``question``): ``expected``, ``printed``,
            ``printed_ok``, ``off``, ``off_rejected``. A bank is right when the last two
            boolean columns are all True.
        """
        rows = {}
        for q in self:
            try:
                expected = q.expected_value()
            except EcomlibError:
                continue
            if not _is_number(expected):
                continue
            e = float(expected)
            digits = q.decimals if q.decimals is not None else 2 - int(math.floor(math.log10(abs(e) or 1)))
            printed = round(e, digits)
            step = max(0.05 * abs(e), 1.5 * 10.0 ** -digits)
            off = e + step if e >= 0 else e - step
            rows[q.name] = {"expected": e, "printed": printed,
                            "printed_ok": _compare(printed, e, q.tolerance(e), q.unit)[0],
                            "off": off, "off_rejected": not _compare(off, e, q.tolerance(e), q.unit)[0]}
        columns = ["expected", "printed", "printed_ok", "off", "off_rejected"]
        return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("question")

    def progress(self) -> pd.DataFrame:
        """One row per question (indexed by its name): status, number of checks and hints seen."""
        return pd.DataFrame(
            {
                "prompt": [q.prompt for q in self],
                "status": [q.status for q in self],
                "attempts": [q.attempts for q in self],
                "hints_seen": [q.hints_seen for q in self],
            },
            index=pd.Index([q.name for q in self], name="question"),
        )

    def __repr__(self) -> str:
        done = sum(q.status == CORRECT for q in self)
        return f"<{len(self)} exercises for {self.chapter!r}, {done} correct>"


def load(chapter: str, **ctx: Any) -> ExerciseSet:
    """Load the exercise bank of ``chapter`` with the notebook's data.

    Parameters
    ----------
    chapter : str
        Subpackage name: ``"basics"`` loads ``ecomlib.basics.exercises``.
    **ctx
        The tables and parameters the questions are computed from (for example
        ``transactions=tx, sessions=sessions``). Passed to the bank's ``build(ctx)`` and made
        available to the solution code under the same names.

    Returns
    -------
    ExerciseSet
    """
    if not isinstance(chapter, str) or not chapter.isidentifier():
        raise ParameterError(f"`chapter` must be a chapter package name such as 'basics', not {chapter!r}.")
    module_name = f"ecomlib.{chapter}.exercises"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name not in (module_name, f"ecomlib.{chapter}"):
            raise
        raise ParameterError(
            f"`chapter` {chapter!r} has no exercise bank (looked for {module_name}).",
            fix="Use the chapter's package name: basics, market, pricing, promotion, traffic, "
            "retention or risk.",
        ) from None
    build: Callable[[dict], list[Question]] | None = getattr(module, "build", None)
    if build is None:
        raise EcomlibError(f"{module_name} defines no build(ctx) function.")
    questions = list(build(dict(ctx)))
    for q in questions:
        q.ctx = dict(ctx)
    return ExerciseSet(chapter, questions)
