/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the out-of-tree build only: the timekeeper's clock_offsets notifier,
 * which the series' first patch adds to <linux/timekeeping.h> (documented
 * there), for kernels without it. clock_offsets.c builds it on the
 * pvclock_gtod chain. The Makefile includes this, and links clock_offsets.o
 * into the module, where the kernel's <linux/timekeeping.h> does not declare
 * clock_offsets_register_notifier().
 */
#ifndef RTOFF_COMPAT_CLOCK_OFFSETS_H
#define RTOFF_COMPAT_CLOCK_OFFSETS_H

#include <linux/ktime.h>

struct clock_offsets {
	ktime_t		mono;
	ktime_t		offs_real;
	ktime_t		offs_boot;
	ktime_t		offs_tai;
	ktime_t		next_leap;
	unsigned int	clock_was_set_seq;
};

#define CLOCK_OFFSETS_INIT	0
#define CLOCK_OFFSETS_WAS_SET	1
#define CLOCK_OFFSETS_LEAP	2

struct notifier_block;
int clock_offsets_register_notifier(struct notifier_block *nb);
int clock_offsets_unregister_notifier(struct notifier_block *nb);

#endif
