/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * rtoff.h - read the offsets of /dev/realtime_offset from user space, without
 * a system call where the device can be mapped, and look up the offsets that
 * were in force when a timestamp was taken.
 *
 *	struct rtoff r;
 *	struct rtoff_offsets o;
 *	struct rtoff_change then;
 *
 *	if (rtoff_open(&r) == 0 && rtoff_read(&r, &o) == 0)
 *		utc_ns = mono_ns + o.realtime_ns;	(a stamp taken now)
 *	if (rtoff_at(&r, CLOCK_MONOTONIC, stamp_ns, &then) == 0)
 *		utc_ns = stamp_ns + then.realtime_ns;	(a stamp taken earlier)
 *
 * Header only, for the selftest and for programs that convert timestamps.
 */
#ifndef RTOFF_H
#define RTOFF_H

#include <errno.h>
#include <fcntl.h>
#include <linux/realtime_offset.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RTOFF_PATH	"/dev/realtime_offset"

struct rtoff {
	int fd;
	const struct rtoff_page *page;	/* NULL: read through the ioctls */
	struct rtoff_offsets delta;	/* added to the page: time namespace */
};

static inline __u32 rtoff_read_begin(const struct rtoff_page *page)
{
	__u32 seq;

	while ((seq = __atomic_load_n(&page->seq, __ATOMIC_RELAXED)) & 1)
		;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return seq;
}

static inline int rtoff_read_retry(const struct rtoff_page *page, __u32 seq)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&page->seq, __ATOMIC_RELAXED) != seq;
}

/* A consistent copy of the page's offsets, by the protocol of struct rtoff_page. */
static inline void rtoff_read_page(const struct rtoff_page *page,
				   struct rtoff_offsets *copy)
{
	__u32 seq;

	do {
		seq = rtoff_read_begin(page);
		*copy = page->offsets;
	} while (rtoff_read_retry(page, seq));
}

/*
 * The page holds the host's offsets and instants; the ioctl gives this
 * task's. Their difference, taken with equal changes, is this task's time
 * namespace. It is taken once, at rtoff_open(): a task that enters another
 * time namespace, by setns() (which only a single-threaded process can) or as
 * a child forked after unshare(CLONE_NEWTIME), calls rtoff_measure_delta()
 * again, or rtoff_close() and rtoff_open(). The ioctls need no such care.
 */
static inline int rtoff_measure_delta(struct rtoff *r)
{
	struct rtoff_offsets mine, host;

	do {
		if (ioctl(r->fd, RTOFF_IOC_GET_OFFSETS, &mine))
			return -1;
		rtoff_read_page(r->page, &host);
	} while (host.changes != mine.changes);
	memset(&r->delta, 0, sizeof(r->delta));
	r->delta.realtime_ns = mine.realtime_ns - host.realtime_ns;
	r->delta.boottime_ns = mine.boottime_ns - host.boottime_ns;
	r->delta.tai_ns = mine.tai_ns - host.tai_ns;
	r->delta.since_ns = mine.since_ns - host.since_ns;
	return 0;
}

/* Open the device and map its page, or fall back to the ioctls. 0 or -1. */
static inline int rtoff_open(struct rtoff *r)
{
	void *page;

	memset(r, 0, sizeof(*r));
	r->fd = open(RTOFF_PATH, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return -1;
	page = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, r->fd, 0);
	if (page == MAP_FAILED)
		return 0;
	r->page = page;
	if (rtoff_measure_delta(r)) {
		munmap(page, sysconf(_SC_PAGESIZE));
		r->page = NULL;
	}
	return 0;
}

/* This task's offsets, all from one state of the timekeeper. 0 or -1. */
static inline int rtoff_read(const struct rtoff *r, struct rtoff_offsets *o)
{
	if (!r->page)
		return ioctl(r->fd, RTOFF_IOC_GET_OFFSETS, o);
	rtoff_read_page(r->page, o);
	o->realtime_ns += r->delta.realtime_ns;
	o->boottime_ns += r->delta.boottime_ns;
	o->tai_ns += r->delta.tai_ns;
	o->since_ns += r->delta.since_ns;
	if (o->flags & RTOFF_LEAP_ARMED)
		o->next_leap_ns += r->delta.since_ns;
	return 0;
}

/* An entry of the page's history as this task sees it. */
static inline void rtoff_change_from_page(const struct rtoff *r, struct rtoff_change *c)
{
	c->mono_ns += r->delta.since_ns;
	c->realtime_ns += r->delta.realtime_ns;
	c->boottime_ns += r->delta.boottime_ns;
	c->tai_ns += r->delta.tai_ns;
}

/*
 * The newest @n changes at most, newest first, as this task sees them: how
 * many, or -1 with errno.
 */
static inline long rtoff_history(const struct rtoff *r, struct rtoff_change *e,
				 unsigned int n)
{
	struct rtoff_history hist = {
		.entries = (__u64)(unsigned long)e,
		.count = n,
		.entry_size = sizeof(*e),
	};
	__u64 count, i, got;
	__u32 seq;

	if (!r->page)
		return ioctl(r->fd, RTOFF_IOC_GET_HISTORY, &hist) ? -1 : (long)hist.count;

	do {
		seq = rtoff_read_begin(r->page);
		count = r->page->history_count;
		got = count < RTOFF_HISTORY_LEN ? count : RTOFF_HISTORY_LEN;
		if (got > n)
			got = n;
		for (i = 0; i < got; i++)
			e[i] = r->page->history[(count - 1 - i) % RTOFF_HISTORY_LEN];
	} while (rtoff_read_retry(r->page, seq));
	for (i = 0; i < got; i++)
		rtoff_change_from_page(r, &e[i]);
	return got;
}

/*
 * The driver's load, the history's first entry (RTOFF_CAUSE_LOAD), as this
 * task sees it: from the page, which keeps it, or through the ioctl while the
 * history still holds it. 0, or -1 with errno: ENODATA when the page cannot
 * be mapped and RTOFF_HISTORY_LEN changes have overwritten the entry, or an
 * errno of the ioctl.
 */
static inline int rtoff_load(const struct rtoff *r, struct rtoff_change *load)
{
	struct rtoff_change ring[RTOFF_HISTORY_LEN];
	long n;
	__u32 seq;

	/* A driver older than the page's @load has it only in the ring. */
	if (!r->page || r->page->size < offsetof(struct rtoff_page, load) + sizeof(*load)) {
		n = rtoff_history(r, ring, RTOFF_HISTORY_LEN);
		if (n < 0)
			return -1;
		if (!n || !(ring[n - 1].cause & RTOFF_CAUSE_LOAD)) {
			errno = ENODATA;
			return -1;
		}
		*load = ring[n - 1];
		return 0;
	}
	do {
		seq = rtoff_read_begin(r->page);
		*load = r->page->load;
	} while (rtoff_read_retry(r->page, seq));
	rtoff_change_from_page(r, load);
	return 0;
}

/* Where a change starts on @clock's axis: BOOTTIME jumps at a resume. */
static inline __s64 rtoff_change_start(const struct rtoff_change *c, clockid_t clock)
{
	return clock == CLOCK_BOOTTIME ? c->mono_ns + c->boottime_ns : c->mono_ns;
}

/*
 * The index in @ring of the newest change kept that starts at or before @t
 * on @clock's axis, or -1 if none does. @count changes have been written to
 * @ring in turn, change k at @ring[k % RTOFF_HISTORY_LEN], and the starts of
 * those kept never decrease. The newest is looked at first: most stamps are
 * younger than the last change.
 */
static inline long rtoff_find(const struct rtoff_change *ring, __u64 count,
			      clockid_t clock, __s64 t)
{
	__u64 lo, hi, mid;
	long found = -1;

	if (!count)
		return -1;
	if (rtoff_change_start(&ring[(count - 1) % RTOFF_HISTORY_LEN], clock) <= t)
		return (count - 1) % RTOFF_HISTORY_LEN;
	/* The newest starts after @t: search the others kept, lo to hi - 1. */
	lo = count > RTOFF_HISTORY_LEN ? count - RTOFF_HISTORY_LEN : 0;
	hi = count - 1;
	/*
	 * Whatever a torn read of the page gives, the index stays in the ring
	 * and the loop ends. Two assignments on the taken side keep compilers
	 * from making it branch-free: a converter's stamps mostly fall where
	 * the last one did, where the branches are predicted, and a chain of
	 * conditional moves would wait for each load in turn.
	 */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rtoff_change_start(&ring[mid % RTOFF_HISTORY_LEN], clock) <= t) {
			found = mid % RTOFF_HISTORY_LEN;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return found;
}

/* rtoff_at() through the ioctl, where the page cannot be mapped. */
static inline int rtoff_at_ioctl(const struct rtoff *r, clockid_t clock, __s64 t,
				 struct rtoff_change *out)
{
	struct rtoff_change ring[RTOFF_HISTORY_LEN];
	struct rtoff_history hist = {
		.entries = (__u64)(unsigned long)ring,
		.count = RTOFF_HISTORY_LEN,
		.entry_size = sizeof(ring[0]),
	};
	__u32 j, n;
	long i;

	if (ioctl(r->fd, RTOFF_IOC_GET_HISTORY, &hist))
		return -1;
	/* Newest first: turn it oldest first, as in the page. */
	n = hist.count;
	for (j = 0; j < n / 2; j++) {
		struct rtoff_change c = ring[j];

		ring[j] = ring[n - 1 - j];
		ring[n - 1 - j] = c;
	}
	i = rtoff_find(ring, n, clock, t);
	if (i < 0) {
		/* The oldest kept is the load: nothing older is known. */
		errno = n && ring[0].cause & RTOFF_CAUSE_LOAD ? ENODATA : ERANGE;
		return -1;
	}
	*out = ring[i];
	return 0;
}

/*
 * The offsets in force at time @t of @clock (CLOCK_MONOTONIC or
 * CLOCK_BOOTTIME, as this task sees them), in nanoseconds, with the change
 * that made them. 0, or -1 with errno:
 *	ENODATA	@t is before the driver loaded: what held then is unknown
 *	ERANGE	@t is before the oldest change the driver still keeps
 *	EINVAL	@clock is neither of the two
 * or an errno of the ioctls. An instant after the newest change gets the
 * offsets in force now.
 */
static inline int rtoff_at(const struct rtoff *r, clockid_t clock, __s64 t,
			   struct rtoff_change *out)
{
	const struct rtoff_page *page = r->page;
	__u64 count;
	__u32 seq;
	long i;

	if (clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME) {
		errno = EINVAL;
		return -1;
	}
	if (!page)
		return rtoff_at_ioctl(r, clock, t, out);

	/*
	 * The page's instants are the host's: this namespace moves
	 * MONOTONIC by delta.since_ns, BOOTTIME by that and
	 * delta.boottime_ns.
	 */
	if (__builtin_sub_overflow(t, r->delta.since_ns, &t) ||
	    (clock == CLOCK_BOOTTIME && __builtin_sub_overflow(t, r->delta.boottime_ns, &t))) {
		errno = ERANGE;
		return -1;
	}
	do {
		seq = rtoff_read_begin(page);
		count = page->history_count;
		i = rtoff_find(page->history, count, clock, t);
		if (i >= 0)
			*out = page->history[i];
	} while (rtoff_read_retry(page, seq));
	if (i < 0) {
		/* All of it is kept until the ring wraps: the oldest is the load. */
		errno = count <= RTOFF_HISTORY_LEN ? ENODATA : ERANGE;
		return -1;
	}
	rtoff_change_from_page(r, out);
	return 0;
}

static inline void rtoff_close(struct rtoff *r)
{
	if (r->page)
		munmap((void *)r->page, sysconf(_SC_PAGESIZE));
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->page = NULL;
}

#endif /* RTOFF_H */
