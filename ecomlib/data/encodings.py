"""Telling a text file's encoding from its bytes, and noticing mojibake.

Shops export CSV files in UTF-8 (with or without a byte-order mark), in GB18030/GBK
(Chinese Excel and ERP systems), Big5 (Taiwan, Hong Kong), Shift-JIS (Japan) or Windows-1252 /
Latin-1 (European tools). Legacy encodings cannot be told apart by validity alone: almost any
byte string decodes in GB18030 (``Crème`` in Latin-1 reads as ``Cr鑝e``). So the detector

1. trusts a byte-order mark (UTF-8, UTF-16, UTF-32);
2. reads UTF-16 without a mark from its NUL pattern (every second byte is 0 in ASCII text);
3. checks that the whole stream is valid UTF-8 (the common case, and fast: one pass in C);
4. otherwise scores each candidate on a sample taken where UTF-8 first fails: the share of the
   non-ASCII characters that are *common* in that encoding (GB2312 hanzi for GB18030, the 5,401
   common Big5 hanzi, JIS level-1 kanji and kana for Shift-JIS, accented letters for
   Windows-1252). Text in the right encoding scores near 100 %, bytes read in a wrong one far
   less. The best candidate must then decode the whole stream.

A file that is UTF-8 in one part and something else in another is an error that names the
first line that is not UTF-8. Decoded text that still looks like mojibake (``Ã©``, ``锟斤拷``,
replacement characters ``�``, rare characters only) gives a warning.
"""

from __future__ import annotations

import codecs
import functools
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from ecomlib.errors import DataError, shorten

__all__ = ["Detected", "detect_encoding", "decode_failure", "mojibake_signs", "CANDIDATES", "MIN_SCORE"]

CANDIDATES = ("gb18030", "big5", "shift_jis", "cp1252", "latin-1")  # in order of preference on a tie
MIN_SCORE = 0.6  # share of common characters below which no candidate is trusted
SAMPLE_BYTES = 1 << 20  # bytes scored when the file is not UTF-8
MIXED_EVIDENCE = 12  # UTF-8 multi-byte characters before the first non-UTF-8 line that prove a UTF-8 part
FALLBACK_EVIDENCE = 32  # non-ASCII characters charset-normalizer needs to be trusted on its own
_CHUNK = 1 << 24
_PIECE = 1 << 20  # bytes read at a time where the file proves plain ASCII
NEWLINE = b"\n"
_NOT_LEAD = bytes(range(0xC0)) + bytes(range(0xF5, 0x100))  # deleting these leaves UTF-8 lead bytes
_FIX = ("Save the file as UTF-8 (Excel: 'CSV UTF-8'), or name its encoding: encoding='big5' in Python, "
        "--encoding big5 for `ecomlib data check`, -p encoding=big5 for `ecomlib report`.")


@dataclass(frozen=True)
class Detected:
    """The encoding chosen for a text file and why.

    Attributes
    ----------
    encoding : str
        Python codec name.
    confidence : float
        0-1: 1 for a byte-order mark or valid UTF-8, else the share of common characters.
    how : str
        How it was decided, in words (shown in the quality report).
    """

    encoding: str
    confidence: float
    how: str

    def note(self) -> str:
        """The quality-report line, e.g. ``encoding: big5 (detected, confidence 98%: ...)``."""
        extra = " (GBK-compatible)" if self.encoding == "gb18030" else ""
        return f"encoding: {self.encoding}{extra} ({self.how})"


@functools.cache
def _common(encoding: str) -> frozenset[str]:
    """Characters that are common in text written in ``encoding`` (beyond ASCII)."""
    shared = {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    shared |= set("￥·—‘’“”…×÷°")

    def pairs(codec: str, leads: range, trails: list[range]) -> set[str]:
        out = set()
        for lead in leads:
            for trail in (t for r in trails for t in r):
                try:
                    out.add(bytes([lead, trail]).decode(codec))
                except UnicodeDecodeError:
                    pass
        return out

    if encoding == "gb18030":  # GB2312 hanzi, levels 1 and 2 (6,763 characters)
        return frozenset(shared | pairs("gb2312", range(0xB0, 0xF8), [range(0xA1, 0xFF)]))
    if encoding == "big5":  # the 5,401 common hanzi (A440-C67E)
        common = pairs("big5", range(0xA4, 0xC6), [range(0x40, 0x7F), range(0xA1, 0xFF)])
        return frozenset(shared | common | pairs("big5", range(0xC6, 0xC7), [range(0x40, 0x7F)]))
    if encoding == "shift_jis":  # JIS level-1 kanji, hiragana and katakana
        kana = {chr(c) for c in range(0x3041, 0x3100)}
        return frozenset(shared | kana | pairs("shift_jis", range(0x88, 0x99), [range(0x40, 0x7F), range(0x80, 0xFD)]))
    # Latin (Windows-1252 / Latin-1): accented letters and the usual punctuation
    return frozenset(set("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýŒœŠšŽžŸ")
                     | set("€£¥°§©®™’‘“”„–—…•«»¿¡ºª·²³µ½¼¾"))


def _score(text: str, encoding: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common in ``encoding``.

    For Latin text only runs of one or two non-ASCII letters count (``é``, ``ção``): CJK bytes
    read as Latin-1 give long runs of accented letters (``ÃÀÂÕ``).
    """
    non_ascii = re.sub(r"[\x00-\x7f]+", "", text)
    if not non_ascii:
        return 0.0
    if encoding == "latin":
        counts = Counter("".join(run for run in re.findall(r"[^\x00-\x7f]+", text) if len(run) <= 2))
    else:
        counts = Counter(non_ascii)
    common = _common(encoding)
    return sum(n for ch, n in counts.items() if ch in common) / len(non_ascii)


_DOUBLE_UTF8 = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a-\u201e\u2018\u2019\u2026\u2122\u0152\u0153\u0160\u0161\u017d\u017e]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def mojibake_signs(text: str, encoding: str) -> list[str]:
    """Reasons to think ``text`` (decoded as ``encoding``) is garbled; empty when it looks fine."""
    signs = []
    non_ascii = len(re.sub(r"[\x00-\x7f]+", "", text))
    if (n := text.count("\ufffd")):
        signs.append(f"{n:,} replacement character(s) '\ufffd' (text decoded wrongly before it was saved)")
    if (n := len(_DOUBLE_UTF8.findall(text))) >= 2 and 2 * n >= 0.2 * non_ascii:
        signs.append(f"{n:,} pairs such as 'Ã©' (UTF-8 text that was once read as Latin-1)")
    if (n := text.count("锟斤拷")):
        signs.append(f"{n:,} times '锟斤拷' (replacement characters read as GBK)")
    cjk = "".join(_CJK.findall(text))
    if len(cjk) >= 20:
        usual = _common("gb18030") | _common("big5") | _common("shift_jis")
        share = sum(ch in usual for ch in cjk[:20_000]) / min(len(cjk), 20_000)
        if share < 0.5:
            signs.append(f"only {share:.0%} of the Chinese characters are common ones (e.g. {shorten(cjk[:12], 20)!r})")
    if encoding not in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32") and non_ascii:
        score = _score(text, "latin" if encoding in ("cp1252", "latin-1") else encoding)
        if score < 0.9:
            signs.append(f"only {score:.0%} of the non-ASCII characters are common in {encoding}")
    return signs


def _utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` when ``head`` has NUL bytes in every other position."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul >= 0.3 and even_nul <= 0.02:
        return "utf-16-le"
    if even_nul >= 0.3 and odd_nul <= 0.02:
        return "utf-16-be"
    return None


@dataclass
class _Pass:
    """Facts from one pass over the stream checking UTF-8."""

    bad: int | None = None  # absolute offset of the first byte that is not UTF-8
    bad_line: int = 0  # its line number (1-based)
    bad_line_start: int = 0  # offset where that line starts
    evidence: int = 0  # UTF-8 multi-byte characters before that line
    nul: int = 0  # NUL bytes in the stream
    nul_line: int = 0  # line of the first NUL
    size: int = 0  # bytes in the stream
    non_ascii: bool = False  # whether any byte is beyond ASCII (up to the first bad byte)


def _utf8_pass(open_binary: Callable[[], BinaryIO]) -> _Pass:
    """One pass in C over the stream; the rare facts (line numbers, evidence) are found afterwards."""
    facts = _ascii_pass(open_binary)
    return facts if facts is not None else _chunked_utf8_pass(open_binary)


def _ascii_pass(open_binary: Callable[[], BinaryIO]) -> _Pass | None:
    """The facts of :func:`_chunked_utf8_pass` for a file on disk or in memory that is plain ASCII,
    found in pieces of :data:`_PIECE` bytes (each checked while it is in the CPU's cache: a
    third of the time of 16 MiB chunks); ``None`` as soon as a byte is not ASCII, or for other
    streams (a gzip stream is not read twice)."""
    facts = _Pass()
    first_nul = None
    piece = bytearray(_PIECE)
    with open_binary() as fh:
        if not isinstance(fh, io.BytesIO) and not isinstance(getattr(fh, "raw", None), io.FileIO):
            return None
        while n := fh.readinto(piece):
            part = piece if n == len(piece) else piece[:n]
            if not part.isascii():
                return None
            if 0 in part:
                first_nul = facts.size + part.index(0) if first_nul is None else first_nul
                facts.nul += part.count(0)
            facts.size += n
    if first_nul is not None:
        facts.nul_line = _count_before(open_binary, first_nul, NEWLINE) + 1
    return facts


def _chunked_utf8_pass(open_binary: Callable[[], BinaryIO]) -> _Pass:
    """:func:`_utf8_pass` in chunks of :data:`_CHUNK` bytes, for any text."""
    facts = _Pass()
    decoder = codecs.getincrementaldecoder("utf-8")()
    first_nul = None
    buffer = bytearray(_CHUNK)  # one buffer for every chunk (no fresh 16 MiB object per read)
    with open_binary() as fh:
        while n := fh.readinto(buffer):
            chunk = buffer if n == len(buffer) else buffer[:n]
            if 0 in chunk:
                first_nul = facts.size + chunk.index(0) if first_nul is None else first_nul
                facts.nul += chunk.count(0)
            if facts.bad is None:
                try:
                    # plain ASCII is valid UTF-8: check one byte (it fails if a multi-byte
                    # character was cut at the chunk border) and skip the rest
                    ascii_only = chunk.isascii()
                    facts.non_ascii = facts.non_ascii or not ascii_only
                    decoder.decode(chunk[:1] if ascii_only else chunk)
                except UnicodeDecodeError as exc:
                    facts.bad = facts.size + max(exc.start, 0)
                    facts.bad_line_start = facts.size + chunk.rfind(b"\n", 0, max(exc.start, 0)) + 1
            facts.size += len(chunk)
        if facts.bad is None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:  # the file ends inside a multi-byte character
                facts.bad = facts.bad_line_start = facts.size
    if first_nul is not None:
        facts.nul_line = _count_before(open_binary, first_nul, NEWLINE) + 1
    if facts.bad is not None:
        facts.bad_line = _count_before(open_binary, facts.bad, NEWLINE) + 1
        facts.evidence = _count_before(open_binary, facts.bad_line_start, None)
    return facts


def _count_before(open_binary: Callable[[], BinaryIO], end: int, byte: bytes | None) -> int:
    """Occurrences of ``byte`` (``None``: UTF-8 lead bytes) in the first ``end`` bytes of the stream."""
    total = done = 0
    with open_binary() as fh:
        while done < end and (chunk := fh.read(min(_CHUNK, end - done))):
            total += chunk.count(byte) if byte is not None else len(chunk.translate(None, _NOT_LEAD))
            done += len(chunk)
    return total


def decode_failure(open_binary: Callable[[], BinaryIO], encoding: str) -> str | None:
    """``None`` when the whole stream decodes in ``encoding``, else where it fails."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with open_binary() as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = offset + max(exc.start, 0)
                line = _count_before(open_binary, bad, NEWLINE) + 1
                return f"bad byte at position {bad:,}, line {line:,}"
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "the file ends inside a character"
    return None


def _mixed_error(where: str, facts: _Pass, first_utf8_line: int | None = None) -> DataError:
    utf8_part = (f"lines before {facts.bad_line:,} are UTF-8" if first_utf8_line is None
                 else f"line {first_utf8_line:,} is UTF-8")
    return DataError(
        f"{where} mixes text encodings: {utf8_part}, but line {facts.bad_line:,} is not valid UTF-8 "
        f"(byte {facts.bad:,}); probably two exports in different encodings were joined.",
        fix="Re-save the file in one encoding (UTF-8), e.g. by exporting the parts again; if it is all "
        "in one legacy encoding, name it: encoding='gb18030' in Python, --encoding gb18030 for "
        "`ecomlib data check`, -p encoding=gb18030 for `ecomlib report`.",
    )


def _sample_lines(open_binary: Callable[[], BinaryIO], start: int) -> list[bytes]:
    with open_binary() as fh:
        fh.seek(start)
        sample = fh.read(SAMPLE_BYTES)
    if len(sample) == SAMPLE_BYTES and (cut := sample.rfind(b"\n")) > 0:
        sample = sample[:cut + 1]
    return [line for line in sample.splitlines(keepends=True) if not line.isascii()]


def _utf8_lines_among(lines: list[bytes]) -> int | None:
    """Index of the first line that is clearly UTF-8, when enough of ``lines`` are (a mixed file)."""
    strong, first, bad = 0, None, 0
    for i, line in enumerate(lines[:5000]):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad += 1
            continue
        if len(line.translate(None, _NOT_LEAD)) >= 4:
            strong += 1
            first = i if first is None else first
    return first if strong >= 2 and strong >= 0.1 * bad else None


def _rank(text_bytes: bytes) -> list[tuple[float, str]]:
    """Candidates that decode ``text_bytes``, best first (ties go to the earlier candidate)."""
    scores = []
    for enc in CANDIDATES:
        try:
            text = text_bytes.decode(enc)
        except UnicodeDecodeError:
            continue
        scores.append((_score(text, "latin" if enc in ("cp1252", "latin-1") else enc), enc))
    if not scores:
        return []
    best = max(s for s, _ in scores)
    tied = [(s, e) for s, e in scores if s >= best - 0.02]  # in CANDIDATES order
    rest = sorted((x for x in scores if x not in tied), reverse=True)
    return tied + rest


def _fallback(text_bytes: bytes) -> tuple[float, str] | None:
    """charset-normalizer's guess for encodings outside :data:`CANDIDATES` (Cyrillic, Korean ...)."""
    from charset_normalizer import from_bytes

    best = from_bytes(text_bytes[:SAMPLE_BYTES]).best()
    if best is None or best.percent_chaos > 10 or len(re.sub(r"[\x00-\x7f]+", "", str(best))) < FALLBACK_EVIDENCE:
        return None
    return 1 - best.percent_chaos / 100, codecs.lookup(best.encoding).name


def detect_encoding(open_binary: Callable[[], BinaryIO], where: str) -> Detected:
    """Decide the encoding of the byte stream ``open_binary()`` (see the module docstring).

    Parameters
    ----------
    open_binary : callable
        Returns a new binary file object at the start of the stream each time it is called.
    where : str
        How to name the file in messages.

    Raises
    ------
    DataError
        A mixed-encoding file (names the first line that is not UTF-8), NUL bytes that are not
        UTF-16, or a file no candidate decodes convincingly (lists what was tried).
    """
    with open_binary() as fh:
        head = fh.read(1 << 16)
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom) and (enc != "utf-8-sig" or decode_failure(open_binary, enc) is None):
            return Detected(enc, 1.0, "byte-order mark")
    if (enc := _utf16_without_bom(head)) and decode_failure(open_binary, enc) is None:
        return Detected(enc, 1.0, "detected from the NUL bytes of UTF-16 without a byte-order mark")
    facts = _utf8_pass(open_binary)
    if facts.nul:
        raise DataError(
            f"{where} holds {facts.nul:,} NUL byte(s) (\\x00), the first on line {facts.nul_line:,}: it is not "
            "a plain text file, or it is UTF-16/UTF-32 text without a byte-order mark.",
            fix="Export it again as 'CSV UTF-8'; if it is UTF-16, pass encoding='utf-16-le' "
            "(--encoding utf-16-le; -p encoding=utf-16-le for `ecomlib report`).",
        )
    if facts.bad is None:
        plain = not facts.non_ascii
        return Detected("utf-8", 1.0, "plain ASCII" if plain else "detected: the whole file is valid UTF-8")
    if facts.evidence >= MIXED_EVIDENCE:
        raise _mixed_error(where, facts)
    lines = _sample_lines(open_binary, facts.bad_line_start)
    if (first := _utf8_lines_among(lines)) is not None:
        raise _mixed_error(where, facts, facts.bad_line + _count_lines_before(open_binary, facts, lines[first]))
    sample = b"".join(lines)
    ranked = [x for x in _rank(sample) if x[0] >= MIN_SCORE]
    if not ranked and (guess := _fallback(sample)):
        ranked = [guess]
    tried = [f"utf-8 (bad byte at position {facts.bad:,}, line {facts.bad_line:,})"]
    for i, (score, enc) in enumerate(ranked):
        failure = decode_failure(open_binary, enc)
        if failure is None:
            runner_up = f"; next best {ranked[i + 1][1]} {ranked[i + 1][0]:.0%}" if i + 1 < len(ranked) else ""
            return Detected(enc, score, f"detected, confidence {score:.0%}: share of the non-ASCII characters "
                                         f"that are common in {enc}{runner_up}")
        tried.append(f"{enc} ({failure})")
    scored = {enc: score for score, enc in _rank(sample)}
    tried += [f"{enc} ({f'only {scored[enc]:.0%} common characters' if enc in scored else 'does not decode'})"
              for enc in CANDIDATES if enc not in {e for _, e in ranked}]
    raise DataError(
        f"{where} is not in an encoding that could be recognised. Tried: {', '.join(tried)}.",
        fix=_FIX,
    )


def _count_lines_before(open_binary: Callable[[], BinaryIO], facts: _Pass, line: bytes) -> int:
    """Lines between the first non-UTF-8 line and ``line`` (found again in the sample)."""
    with open_binary() as fh:
        fh.seek(facts.bad_line_start)
        sample = fh.read(SAMPLE_BYTES)
    return sample.count(b"\n", 0, max(sample.find(line), 0))
