/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * rtoffset.h - librtoff, the offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and
 * CLOCK_TAI from CLOCK_MONOTONIC that /dev/realtime_offset gives, for
 * programs: read without a system call where the device's page can be
 * mapped, looked up as they were when a timestamp was taken, and the
 * timestamps converted.
 *
 * Every function returns 0 (or a count) on success and -1 with errno set on
 * failure; rtoffset_open() returns NULL with errno set. A handle may be used
 * by several threads at once. Link with -lrtoff (pkg-config rtoff).
 */
#ifndef RTOFFSET_H
#define RTOFFSET_H

#include <linux/realtime_offset.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A handle on the device, from rtoffset_open() */
struct rtoffset;

/* rtoffset_open(): the initial time namespace's offsets and instants */
#define RTOFFSET_HOST		0x1u

/* rtoffset_convert(): the stamp is in an inserted leap second (23:59:60) */
#define RTOFFSET_IN_LEAP	0x1u
/* rtoffset_convert(): CLOCK_TAI was not TAI then: the kernel's offset unset */
#define RTOFFSET_TAI_UNSET	0x2u

struct rtoffset *rtoffset_open(unsigned int flags);
struct rtoffset *rtoffset_close(struct rtoffset *r);
int rtoffset_fd(const struct rtoffset *r);
int rtoffset_offsets(const struct rtoffset *r, struct rtoff_offsets *o);
int rtoffset_collect(const struct rtoffset *r, struct rtoff_offsets *o);
long rtoffset_history(const struct rtoffset *r, struct rtoff_change *e, unsigned int n);
int rtoffset_load(const struct rtoffset *r, struct rtoff_change *c);
int rtoffset_at(const struct rtoffset *r, clockid_t clock, int64_t t, struct rtoff_change *c);
int rtoffset_convert(const struct rtoffset *r, clockid_t from, int64_t stamp, clockid_t to,
		     int64_t *ns, unsigned int *flags);
int rtoffset_format(int64_t ns, clockid_t clock, unsigned int flags, unsigned int decimals,
		    char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* RTOFFSET_H */
