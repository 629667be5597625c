/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/realtime_offset: the offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and
 * CLOCK_TAI from CLOCK_MONOTONIC, when they change, and their recent history.
 *
 * See Documentation/userspace-api/realtime_offset.rst.
 */
#ifndef _UAPI_LINUX_REALTIME_OFFSET_H
#define _UAPI_LINUX_REALTIME_OFFSET_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Flags of struct rtoff_offsets */
#define RTOFF_TAI_SET		0x1	/* TAI - UTC is 10 s or more */
#define RTOFF_LEAP_ARMED	0x2	/* @next_leap_ns is valid */

/**
 * struct rtoff_offsets - the clocks' offsets from CLOCK_MONOTONIC
 * @size: bytes of this structure the kernel filled: later kernels may add
 *	fields at the end, and a later program may pass a larger structure
 * @flags: %RTOFF_TAI_SET when the kernel's TAI offset is set (adjtimex()'s
 *	ADJ_TAI): CLOCK_TAI is then 10 s or more ahead of CLOCK_REALTIME,
 *	as TAI has been since 1972. Until something sets it, CLOCK_TAI equals
 *	CLOCK_REALTIME, or is a second off it after a leap second, and @tai_ns
 *	is no TAI offset at all. %RTOFF_LEAP_ARMED when the insertion of a
 *	leap second is armed (adjtimex()'s STA_INS, from the day it is due)
 * @changes: change counter of the host's offsets. It starts at an arbitrary
 *	value when the driver loads and grows by one with each change of any
 *	of the offsets: two results with equal @changes, taken in the same
 *	time namespace, have the same offsets. It is the same in every
 *	namespace, and wraps.
 * @realtime_ns: CLOCK_REALTIME - CLOCK_MONOTONIC, in nanoseconds
 * @boottime_ns: CLOCK_BOOTTIME - CLOCK_MONOTONIC, in nanoseconds
 * @tai_ns: CLOCK_TAI - CLOCK_MONOTONIC, in nanoseconds
 * @since_ns: the CLOCK_MONOTONIC instant, in nanoseconds, from which these
 *	offsets hold: that of the change that made them, or of the driver's
 *	load if none came since
 * @next_leap_ns: the CLOCK_MONOTONIC instant, in nanoseconds, at which the
 *	armed leap second will be inserted; valid with %RTOFF_LEAP_ARMED,
 *	zero without it. The kernel announces no deletion ahead.
 * @reserved: zero
 *
 * The offsets are taken from one state of the timekeeper: never some from
 * before a clock step and some from after it. They, @since_ns and
 * @next_leap_ns are those seen by the calling task: in a time namespace,
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME are that namespace's. Add an offset to a
 * CLOCK_MONOTONIC timestamp at or after @since_ns to get the other clock's
 * time of the same instant; for an older timestamp, look up the offsets then
 * in the history (struct rtoff_change).
 *
 * The layout is the same for 32-bit and 64-bit user space.
 */
struct rtoff_offsets {
	__u32 size;
	__u32 flags;
	__u64 changes;
	__s64 realtime_ns;
	__s64 boottime_ns;
	__s64 tai_ns;
	__s64 since_ns;
	__s64 next_leap_ns;
	__u64 reserved;
};

/* What made a change of the offsets, as the offsets show it */
#define RTOFF_CAUSE_LOAD	0x01	/* none: the driver's load */
#define RTOFF_CAUSE_STEP	0x02	/* REALTIME and TAI stepped */
#define RTOFF_CAUSE_LEAP_INSERT	0x04	/* a leap second inserted */
#define RTOFF_CAUSE_LEAP_DELETE	0x08	/* a leap second deleted */
#define RTOFF_CAUSE_TAI		0x10	/* the TAI offset set */
#define RTOFF_CAUSE_RESUME	0x20	/* time asleep added */

/**
 * struct rtoff_change - one change of the offsets, in the history
 * @mono_ns: the CLOCK_MONOTONIC instant, in nanoseconds, from which the
 *	offsets of this entry hold: for a leap second the exact UTC second
 *	boundary, where hrtimers apply it (clock_gettime() of CLOCK_REALTIME
 *	follows at the timekeeper's next tick); otherwise the timekeeper's
 *	update that made the change, within a few microseconds of the step
 *	that asked for it
 * @realtime_ns: CLOCK_REALTIME - CLOCK_MONOTONIC from @mono_ns on
 * @boottime_ns: CLOCK_BOOTTIME - CLOCK_MONOTONIC from @mono_ns on
 * @tai_ns: CLOCK_TAI - CLOCK_MONOTONIC from @mono_ns on
 * @changes: struct rtoff_offsets' @changes from @mono_ns on
 * @cause: RTOFF_CAUSE_* bits, as far as the offsets tell: a step of
 *	REALTIME and TAI together is %RTOFF_CAUSE_STEP whether it came from
 *	clock_settime() or adjtimex()
 * @reserved: zero
 *
 * The offsets hold until the @mono_ns of the next entry. The oldest entry the
 * driver has is %RTOFF_CAUSE_LOAD: what held before it is unknown.
 */
struct rtoff_change {
	__s64 mono_ns;
	__s64 realtime_ns;
	__s64 boottime_ns;
	__s64 tai_ns;
	__u64 changes;
	__u32 cause;
	__u32 reserved;
};

/* Entries of the history in the page */
#define RTOFF_HISTORY_LEN	64

/**
 * struct rtoff_page - the page that mmap() of the device maps, read-only
 * @seq: the writer's sequence count: odd while it updates the page
 * @size: bytes of this structure the kernel fills; the rest of the page is
 *	zero
 * @offsets: struct rtoff_offsets as RTOFF_IOC_GET_OFFSETS gives it to a task
 *	outside any time namespace
 * @history_count: the number of entries written to @history since the
 *	driver loaded, its first included; the newest is
 *	@history[(@history_count - 1) % %RTOFF_HISTORY_LEN], and the entries
 *	before it, down to the oldest still there, precede it in the ring
 * @history: the last %RTOFF_HISTORY_LEN changes of the offsets, oldest
 *	overwritten first
 * @load: the history's first entry, %RTOFF_CAUSE_LOAD, kept after the ring
 *	has overwritten it: the CLOCK_MONOTONIC instant at which the driver
 *	loaded, and the offsets and @changes then. @offsets' @changes has
 *	grown by @history_count - 1 since. It does not change until the driver
 *	is loaded again.
 *
 * The kernel updates the page whenever an offset changes, at once, from the
 * timekeeper's update. A consistent copy of any part of it is read like
 * this, retrying while the kernel writes::
 *
 *	do {
 *		while ((seq = READ_ONCE(page->seq)) & 1)
 *			;
 *		smp_rmb();
 *		copy = page->offsets;	(or whatever part is wanted)
 *		smp_rmb();
 *	} while (READ_ONCE(page->seq) != seq);
 *
 * where READ_ONCE() is a volatile load and smp_rmb() a read barrier (in C11,
 * atomic_thread_fence(memory_order_acquire)).
 *
 * Everything in the page is the host's, outside any time namespace. A task
 * in a time namespace adds to each offset the difference between what
 * RTOFF_IOC_GET_OFFSETS gives it and @offsets (read with the same @changes).
 * Before it looks up an instant of its own in @history, it subtracts the
 * difference of @since_ns (its MONOTONIC shift, m) from a CLOCK_MONOTONIC
 * instant, and that and the difference of @boottime_ns (its BOOTTIME shift
 * less m) from a CLOCK_BOOTTIME one. All stay the same for as long as the
 * task stays in its namespace.
 *
 * mmap() takes one page at offset 0, without PROT_WRITE or PROT_EXEC; a later
 * mprotect() cannot add either. A task with the READ_IMPLIES_EXEC personality,
 * whose PROT_READ comes with PROT_EXEC unless the device is on a noexec mount,
 * cannot map it and uses the ioctls.
 * The mapping stays valid after the file is closed.
 */
struct rtoff_page {
	__u32 seq;
	__u32 size;
	struct rtoff_offsets offsets;
	__u64 history_count;
	struct rtoff_change history[RTOFF_HISTORY_LEN];
	struct rtoff_change load;
};

/**
 * struct rtoff_history - the argument of RTOFF_IOC_GET_HISTORY
 * @entries: the address of an array of struct rtoff_change, for the kernel
 *	to fill, newest first
 * @count: in: the length of @entries; out: the number of entries filled,
 *	at most %RTOFF_HISTORY_LEN
 * @entry_size: sizeof(struct rtoff_change), as the caller knows it
 * @reserved: zero
 *
 * The entries are those seen by the calling task: in a time namespace, their
 * @mono_ns and offsets are that namespace's.
 */
struct rtoff_history {
	__u64 entries;
	__u32 count;
	__u32 entry_size;
	__u64 reserved[2];
};

#define RTOFF_IOC_MAGIC		0xB9

/* The size of struct rtoff_offsets in its first version */
#define RTOFF_OFFSETS_SIZE_VER0	64

/*
 * Fill a struct rtoff_offsets, and mark the file's offsets as seen by poll.
 * The command carries the size of the structure the program was built with,
 * any size from RTOFF_OFFSETS_SIZE_VER0 on: the kernel fills what both know,
 * zeroes the rest and sets @size to what it filled.
 */
#define RTOFF_IOC_GET_OFFSETS	_IOR(RTOFF_IOC_MAGIC, 0x10, struct rtoff_offsets)

/* Copy the history, newest first, into struct rtoff_history's @entries. */
#define RTOFF_IOC_GET_HISTORY	_IOWR(RTOFF_IOC_MAGIC, 0x11, struct rtoff_history)

#endif /* _UAPI_LINUX_REALTIME_OFFSET_H */
