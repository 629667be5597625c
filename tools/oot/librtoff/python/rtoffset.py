# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
"""The clocks' offsets from /dev/realtime_offset, through librtoff.

The offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and CLOCK_TAI from
CLOCK_MONOTONIC, in integer nanoseconds, read without a system call where
the device's page can be mapped; the offsets in force when a timestamp was
taken, from the driver's history of changes; timestamps converted with them;
and a file descriptor that becomes readable when the offsets change::

    import time, rtoffset

    with rtoffset.Device() as dev:
        now = dev.offsets()
        utc_ns = time.clock_gettime_ns(time.CLOCK_MONOTONIC) + now.realtime_ns
        print(dev.format(dev.convert(stamp_ns)))

Errors are OSError with the errno of the C library (ENOENT: the module is
not loaded; ENODATA: a stamp from before the driver loaded; ERANGE: one
older than the oldest change kept); a closed Device raises ValueError.
"""

import ctypes
import os
import time
from typing import Iterable, List, NamedTuple, Optional

__all__ = ["Change", "Device", "Offsets", "Time"]

_lib = ctypes.CDLL("librtoff.so.1", use_errno=True)

_RTOFFSET_HOST = 0x1
_RTOFFSET_IN_LEAP = 0x1
_RTOFFSET_TAI_UNSET = 0x2
_HISTORY_LEN = 64


class _Offsets(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("flags", ctypes.c_uint32),
                ("changes", ctypes.c_uint64), ("realtime_ns", ctypes.c_int64),
                ("boottime_ns", ctypes.c_int64), ("tai_ns", ctypes.c_int64),
                ("since_ns", ctypes.c_int64), ("next_leap_ns", ctypes.c_int64),
                ("reserved", ctypes.c_uint64)]


class _Change(ctypes.Structure):
    _fields_ = [("mono_ns", ctypes.c_int64), ("realtime_ns", ctypes.c_int64),
                ("boottime_ns", ctypes.c_int64), ("tai_ns", ctypes.c_int64),
                ("changes", ctypes.c_uint64), ("cause", ctypes.c_uint32),
                ("reserved", ctypes.c_uint32)]


def _proto(name, restype, *argtypes):
    func = getattr(_lib, name)
    func.restype = restype
    func.argtypes = argtypes
    return func


_open = _proto("rtoffset_open", ctypes.c_void_p, ctypes.c_uint)
_close = _proto("rtoffset_close", ctypes.c_void_p, ctypes.c_void_p)
_fd = _proto("rtoffset_fd", ctypes.c_int, ctypes.c_void_p)
_offsets = _proto("rtoffset_offsets", ctypes.c_int, ctypes.c_void_p,
                  ctypes.POINTER(_Offsets))
_collect = _proto("rtoffset_collect", ctypes.c_int, ctypes.c_void_p,
                  ctypes.POINTER(_Offsets))
_history = _proto("rtoffset_history", ctypes.c_long, ctypes.c_void_p,
                  ctypes.POINTER(_Change), ctypes.c_uint)
_load = _proto("rtoffset_load", ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(_Change))
_at = _proto("rtoffset_at", ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
             ctypes.c_int64, ctypes.POINTER(_Change))
_convert = _proto("rtoffset_convert", ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                  ctypes.c_int64, ctypes.c_int, ctypes.POINTER(ctypes.c_int64),
                  ctypes.POINTER(ctypes.c_uint))
_format = _proto("rtoffset_format", ctypes.c_int, ctypes.c_int64, ctypes.c_int,
                 ctypes.c_uint, ctypes.c_uint, ctypes.c_char_p, ctypes.c_size_t)


class Offsets(NamedTuple):
    """The offsets from CLOCK_MONOTONIC, in nanoseconds, and what goes with them.

    realtime_ns, boottime_ns, tai_ns: CLOCK_REALTIME, CLOCK_BOOTTIME and
    CLOCK_TAI minus CLOCK_MONOTONIC. changes: the change counter (equal
    counters, equal offsets). since_ns: the CLOCK_MONOTONIC instant from which
    they hold. tai_set: whether the kernel's TAI offset is set (else CLOCK_TAI
    is UTC, not TAI). next_leap_ns: the CLOCK_MONOTONIC instant of an armed
    leap second, or None.
    """
    realtime_ns: int
    boottime_ns: int
    tai_ns: int
    changes: int
    since_ns: int
    tai_set: bool
    next_leap_ns: Optional[int]


class Change(NamedTuple):
    """One change of the offsets in the history: from mono_ns (CLOCK_MONOTONIC,
    nanoseconds) on, these offsets (nanoseconds) held; cause is a set of
    RTOFF_CAUSE_* names: load, step, leap-insert, leap-delete, tai, resume."""
    mono_ns: int
    realtime_ns: int
    boottime_ns: int
    tai_ns: int
    changes: int
    cause: frozenset


class Time(NamedTuple):
    """A converted timestamp: ns since the epoch on the target clock;
    in_leap: it falls in an inserted leap second (23:59:60); tai_unset: the
    kernel's TAI offset was not set then, so a TAI result is UTC."""
    ns: int
    in_leap: bool
    tai_unset: bool


_CAUSES = ("load", "step", "leap-insert", "leap-delete", "tai", "resume")


def _error():
    err = ctypes.get_errno()
    return OSError(err, os.strerror(err))


def _offsets_of(o: _Offsets) -> Offsets:
    return Offsets(o.realtime_ns, o.boottime_ns, o.tai_ns, o.changes, o.since_ns,
                   bool(o.flags & 0x1), o.next_leap_ns if o.flags & 0x2 else None)


def _change_of(c: _Change) -> Change:
    return Change(c.mono_ns, c.realtime_ns, c.boottime_ns, c.tai_ns, c.changes,
                  frozenset(n for i, n in enumerate(_CAUSES) if c.cause & (1 << i)))


class Device:
    """An open /dev/realtime_offset.

    host=True gives the initial time namespace's offsets and instants, for
    stamps the kernel makes (eBPF, perf, ftrace); the default is the calling
    process's namespace. Safe to use from several threads.
    """

    def __init__(self, host: bool = False):
        handle = _open(_RTOFFSET_HOST if host else 0)
        if not handle:
            raise _error()
        self._handle = handle

    def _h(self):
        if not self._handle:
            raise ValueError("the rtoffset.Device is closed")
        return self._handle

    def close(self) -> None:
        """Close the device; further calls raise ValueError."""
        if self._handle:
            _close(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_handle", None):
            self.close()

    def fileno(self) -> int:
        """The descriptor to wait on: select(), poll() and asyncio's
        add_reader() report it readable once the offsets changed since
        collect() last ran (or the device was opened)."""
        return _fd(self._h())

    def offsets(self) -> Offsets:
        """The offsets now."""
        o = _Offsets()
        if _offsets(self._h(), ctypes.byref(o)):
            raise _error()
        return _offsets_of(o)

    def collect(self) -> Offsets:
        """The offsets now, marking the change seen: fileno() waits again."""
        o = _Offsets()
        if _collect(self._h(), ctypes.byref(o)):
            raise _error()
        return _offsets_of(o)

    def history(self) -> List[Change]:
        """The changes the driver keeps, newest first."""
        buf = (_Change * _HISTORY_LEN)()
        n = _history(self._h(), buf, _HISTORY_LEN)
        if n < 0:
            raise _error()
        return [_change_of(buf[i]) for i in range(n)]

    def load(self) -> Change:
        """The driver's load, the history's first change (CAUSE_LOAD): its
        CLOCK_MONOTONIC instant and the offsets then, in nanoseconds. Kept
        after the history has overwritten it."""
        c = _Change()
        if _load(self._h(), ctypes.byref(c)):
            raise _error()
        return _change_of(c)

    def at(self, stamp_ns: int, clock: int = time.CLOCK_MONOTONIC) -> Change:
        """The change whose offsets were in force at stamp_ns, a time of
        clock (CLOCK_MONOTONIC or CLOCK_BOOTTIME) in nanoseconds."""
        c = _Change()
        if _at(self._h(), clock, stamp_ns, ctypes.byref(c)):
            raise _error()
        return _change_of(c)

    def convert(self, stamp_ns: int, clock: int = time.CLOCK_MONOTONIC,
                tai: bool = False) -> Time:
        """stamp_ns, a time of clock (CLOCK_MONOTONIC or CLOCK_BOOTTIME) in
        nanoseconds, as UTC (CLOCK_REALTIME) or TAI, in nanoseconds since the
        epoch, with the offsets in force when it was taken."""
        out = ctypes.c_int64()
        flags = ctypes.c_uint()
        if _convert(self._h(), clock, stamp_ns,
                    time.CLOCK_TAI if tai else time.CLOCK_REALTIME,
                    ctypes.byref(out), ctypes.byref(flags)):
            raise _error()
        return Time(out.value, bool(flags.value & _RTOFFSET_IN_LEAP),
                    bool(flags.value & _RTOFFSET_TAI_UNSET))

    def convert_many(self, stamps_ns: Iterable[int], clock: int = time.CLOCK_MONOTONIC,
                     tai: bool = False) -> List[Time]:
        """convert() of each stamp."""
        return [self.convert(s, clock, tai) for s in stamps_ns]

    @staticmethod
    def format(t: Time, tai: bool = False, decimals: int = 9) -> str:
        """t as ISO 8601: UTC with 'Z' (an inserted leap second as :60), or
        TAI; decimals digits after the point (0 to 9)."""
        buf = ctypes.create_string_buffer(64)
        flags = _RTOFFSET_IN_LEAP if t.in_leap and not tai else 0
        if _format(t.ns, time.CLOCK_TAI if tai else time.CLOCK_REALTIME, flags,
                   decimals, buf, len(buf)) < 0:
            raise _error()
        return buf.value.decode()
