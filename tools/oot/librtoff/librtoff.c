// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * librtoff - the functions of rtoffset.h, over rtoff.h, the header-only
 * reader the selftests share. Built with -fvisibility=hidden and the
 * version script librtoff.map: only RTOFFSET_API functions are exported.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtoff.h"
#include "rtoffset.h"

#define RTOFFSET_API	__attribute__((visibility("default")))

#define NSEC_PER_SEC	1000000000LL

/* TAI has been 10 s or more ahead of UTC since 1972: less is an unset offset. */
#define TAI_SET_MIN_NS	(10 * NSEC_PER_SEC)

struct rtoffset {
	struct rtoff r;		/* set once, by rtoffset_open(): read only after */
	unsigned int flags;
};

/* Fail with @err: -1, errno set. */
static int fail(int err)
{
	errno = err;
	return -1;
}

RTOFFSET_API struct rtoffset *rtoffset_open(unsigned int flags)
{
	struct rtoffset *h;
	int err;

	if (flags & ~RTOFFSET_HOST) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	if (rtoff_open(&h->r)) {
		err = errno;
		goto free_handle;
	}
	if (flags & RTOFFSET_HOST) {
		/* The page is the host's: read as it is, without the shift. */
		if (!h->r.page) {
			err = EOPNOTSUPP;
			goto close_device;
		}
		memset(&h->r.delta, 0, sizeof(h->r.delta));
	}
	h->flags = flags;
	return h;

close_device:
	rtoff_close(&h->r);
free_handle:
	free(h);
	errno = err;
	return NULL;
}

RTOFFSET_API struct rtoffset *rtoffset_close(struct rtoffset *r)
{
	if (r) {
		rtoff_close(&r->r);
		free(r);
	}
	return NULL;
}

RTOFFSET_API int rtoffset_fd(const struct rtoffset *r)
{
	if (!r)
		return fail(EINVAL);
	return r->r.fd;
}

RTOFFSET_API int rtoffset_offsets(const struct rtoffset *r, struct rtoff_offsets *o)
{
	if (!r)
		return fail(EINVAL);
	if (!o)
		return fail(EFAULT);
	return rtoff_read(&r->r, o);
}

RTOFFSET_API int rtoffset_collect(const struct rtoffset *r, struct rtoff_offsets *o)
{
	if (!r)
		return fail(EINVAL);
	if (!o)
		return fail(EFAULT);
	/* The ioctl marks the change seen, so that poll() waits for the next. */
	if (ioctl(r->r.fd, RTOFF_IOC_GET_OFFSETS, o))
		return -1;
	return r->flags & RTOFFSET_HOST ? rtoff_read(&r->r, o) : 0;
}

RTOFFSET_API long rtoffset_history(const struct rtoffset *r, struct rtoff_change *e,
				   unsigned int n)
{
	if (!r)
		return fail(EINVAL);
	if (!e && n)
		return fail(EFAULT);
	return rtoff_history(&r->r, e, n);
}

RTOFFSET_API int rtoffset_load(const struct rtoffset *r, struct rtoff_change *c)
{
	if (!r)
		return fail(EINVAL);
	if (!c)
		return fail(EFAULT);
	return rtoff_load(&r->r, c);
}

RTOFFSET_API int rtoffset_at(const struct rtoffset *r, clockid_t clock, int64_t t,
			     struct rtoff_change *c)
{
	if (!r)
		return fail(EINVAL);
	if (!c)
		return fail(EFAULT);
	return rtoff_at(&r->r, clock, t, c);
}

RTOFFSET_API int rtoffset_convert(const struct rtoffset *r, clockid_t from, int64_t stamp,
				  clockid_t to, int64_t *ns, unsigned int *flags)
{
	struct rtoff_change e;
	int64_t mono;

	if (!r || (to != CLOCK_REALTIME && to != CLOCK_TAI))
		return fail(EINVAL);
	if (!ns)
		return fail(EFAULT);
	if (rtoff_at(&r->r, from, stamp, &e))
		return -1;
	mono = stamp;
	if (from == CLOCK_BOOTTIME && __builtin_sub_overflow(stamp, e.boottime_ns, &mono))
		return fail(EOVERFLOW);
	if (__builtin_add_overflow(mono, to == CLOCK_TAI ? e.tai_ns : e.realtime_ns, ns))
		return fail(EOVERFLOW);
	if (flags) {
		*flags = 0;
		/* The second after an insertion is 23:59:60: 23:59:59 again in ns. */
		if (to == CLOCK_REALTIME && e.cause & RTOFF_CAUSE_LEAP_INSERT &&
		    mono - e.mono_ns < NSEC_PER_SEC)
			*flags |= RTOFFSET_IN_LEAP;
		if (e.tai_ns - e.realtime_ns < TAI_SET_MIN_NS)
			*flags |= RTOFFSET_TAI_UNSET;
	}
	return 0;
}

RTOFFSET_API int rtoffset_format(int64_t ns, clockid_t clock, unsigned int flags,
				 unsigned int decimals, char *buf, size_t size)
{
	int64_t sec = ns / NSEC_PER_SEC, nsec = ns % NSEC_PER_SEC, div = 1;
	unsigned int i;
	struct tm tm;
	time_t t;
	int len;

	if ((clock != CLOCK_REALTIME && clock != CLOCK_TAI) || decimals > 9 ||
	    flags & ~RTOFFSET_IN_LEAP || (flags && clock == CLOCK_TAI))
		return fail(EINVAL);
	if (!buf)
		return fail(EFAULT);
	if (nsec < 0) {
		sec--;
		nsec += NSEC_PER_SEC;
	}
	t = sec;
	if (t != sec || !gmtime_r(&t, &tm))
		return fail(EOVERFLOW);
	if (flags & RTOFFSET_IN_LEAP)
		tm.tm_sec = 60;
	for (i = decimals; i < 9; i++)
		div *= 10;
	len = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (decimals && len >= 0 && (size_t)len < size)
		len += snprintf(buf + len, size - len, ".%0*" PRId64, (int)decimals, nsec / div);
	if (len >= 0 && (size_t)len < size)
		len += snprintf(buf + len, size - len, "%s", clock == CLOCK_TAI ? " TAI" : "Z");
	if (len < 0 || (size_t)len >= size)
		return fail(ERANGE);
	return len;
}
