/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/realtime_offset: the offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and
 * CLOCK_TAI from CLOCK_MONOTONIC, and when they change.
 *
 * See Documentation/userspace-api/realtime_offset.rst.
 */
#ifndef _UAPI_LINUX_REALTIME_OFFSET_H
#define _UAPI_LINUX_REALTIME_OFFSET_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct rtoff_offsets - the clocks' offsets from CLOCK_MONOTONIC
 * @realtime_ns: CLOCK_REALTIME - CLOCK_MONOTONIC, in nanoseconds
 * @boottime_ns: CLOCK_BOOTTIME - CLOCK_MONOTONIC, in nanoseconds
 * @tai_ns: CLOCK_TAI - CLOCK_MONOTONIC, in nanoseconds
 * @seq: change counter of the host's offsets. It starts at an arbitrary
 *	value when the driver loads and grows whenever any of the offsets
 *	changes: two results with the same @seq, taken in the same time
 *	namespace, have the same offsets. It is the same in every namespace.
 * @reserved: set to zero by the kernel; may carry more later
 *
 * The three offsets are taken from one state of the timekeeper: never some
 * from before a clock step and some from after it. They are those seen by
 * the calling task: in a time namespace, CLOCK_MONOTONIC and CLOCK_BOOTTIME
 * are that namespace's. Add an offset to a CLOCK_MONOTONIC timestamp to get
 * the other clock's time of the same instant.
 *
 * The layout is the same for 32-bit and 64-bit user space.
 */
struct rtoff_offsets {
	__s64 realtime_ns;
	__s64 boottime_ns;
	__s64 tai_ns;
	__u64 seq;
	__u64 reserved[4];
};

/**
 * struct rtoff_page - the page that mmap() of the device maps, read-only
 * @lock: the writer's sequence count: odd while it updates @offsets
 * @reserved: zero
 * @offsets: the offsets and @seq as RTOFF_IOC_GET_OFFSETS gives them to a
 *	task outside any time namespace
 *
 * The kernel updates @offsets whenever an offset changes, at once, from the
 * timekeeper's update. A consistent copy is read like this, retrying while
 * the kernel writes::
 *
 *	do {
 *		while ((lock = READ_ONCE(page->lock)) & 1)
 *			;
 *		smp_rmb();
 *		copy = page->offsets;
 *		smp_rmb();
 *	} while (READ_ONCE(page->lock) != lock);
 *
 * where READ_ONCE() is a volatile load and smp_rmb() a read barrier (in C11,
 * atomic_thread_fence(memory_order_acquire)). A task in a time namespace adds
 * to each offset the difference between what RTOFF_IOC_GET_OFFSETS gives it
 * and the page (read with the same @seq): it stays the same for as long as the
 * task stays in its namespace. The rest of the page is zero.
 *
 * mmap() takes one page at offset 0, without PROT_WRITE or PROT_EXEC; a later
 * mprotect() cannot add either. A task with the READ_IMPLIES_EXEC personality,
 * whose PROT_READ comes with PROT_EXEC, cannot map it and uses the ioctl. The
 * mapping stays valid after the file is closed.
 */
struct rtoff_page {
	__u32 lock;
	__u32 reserved;
	struct rtoff_offsets offsets;
};

#define RTOFF_IOC_MAGIC		0xB9

/* Fill a struct rtoff_offsets, and mark the file's offsets as seen by poll. */
#define RTOFF_IOC_GET_OFFSETS	_IOR(RTOFF_IOC_MAGIC, 0x01, struct rtoff_offsets)

#endif /* _UAPI_LINUX_REALTIME_OFFSET_H */
