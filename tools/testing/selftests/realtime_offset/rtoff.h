/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtoff.h - read the offsets of /dev/realtime_offset from user space, without
 * a system call where the device can be mapped.
 *
 *	struct rtoff r;
 *	struct rtoff_offsets o;
 *
 *	if (rtoff_open(&r) == 0 && rtoff_read(&r, &o) == 0)
 *		utc_ns = mono_ns + o.realtime_ns;
 *
 * Header only, for the selftest and for programs that convert timestamps.
 */
#ifndef RTOFF_H
#define RTOFF_H

#include <errno.h>
#include <fcntl.h>
#include <linux/realtime_offset.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define RTOFF_PATH	"/dev/realtime_offset"

struct rtoff {
	int fd;
	const struct rtoff_page *page;	/* NULL: read through the ioctl */
	struct rtoff_offsets delta;	/* added to the page: time namespace */
};

/* A consistent copy of the page, by the protocol of struct rtoff_page. */
static inline void rtoff_read_page(const struct rtoff_page *page,
				   struct rtoff_offsets *copy)
{
	__u32 lock;

	do {
		while ((lock = __atomic_load_n(&page->lock, __ATOMIC_RELAXED)) & 1)
			;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		*copy = page->offsets;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&page->lock, __ATOMIC_RELAXED) != lock);
}

/*
 * The page holds the host's offsets; the ioctl gives this task's. Their
 * difference, taken with equal seq, is this task's time namespace. It is
 * taken once, at rtoff_open(): a task that enters another time namespace, by
 * setns() (which only a single-threaded process can) or as a child forked
 * after unshare(CLONE_NEWTIME), calls rtoff_measure_delta() again, or
 * rtoff_close() and rtoff_open(). The ioctl needs no such care.
 */
static inline int rtoff_measure_delta(struct rtoff *r)
{
	struct rtoff_offsets mine, host;

	do {
		if (ioctl(r->fd, RTOFF_IOC_GET_OFFSETS, &mine))
			return -1;
		rtoff_read_page(r->page, &host);
	} while (host.seq != mine.seq);
	memset(&r->delta, 0, sizeof(r->delta));
	r->delta.realtime_ns = mine.realtime_ns - host.realtime_ns;
	r->delta.boottime_ns = mine.boottime_ns - host.boottime_ns;
	r->delta.tai_ns = mine.tai_ns - host.tai_ns;
	return 0;
}

/* Open the device and map its page, or fall back to the ioctl. 0 or -1. */
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
