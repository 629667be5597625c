/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/realtime_offset: the offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and
 * CLOCK_TAI from CLOCK_MONOTONIC, and when they change.
 *
 * See Documentation/misc-devices/realtime_offset.rst.
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

#define RTOFF_IOC_MAGIC		0xB9

/* Fill a struct rtoff_offsets, and mark the file's offsets as seen by poll. */
#define RTOFF_IOC_GET_OFFSETS	_IOR(RTOFF_IOC_MAGIC, 0x01, struct rtoff_offsets)

#endif /* _UAPI_LINUX_REALTIME_OFFSET_H */
