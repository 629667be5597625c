// SPDX-License-Identifier: GPL-2.0
/*
 * librtoff-test - librtoff against the device, in a guest: what the library
 * returns equals what the device's ioctls return, timestamps convert by the
 * offsets, and every call answers bad input with its documented errno.
 * Built static against librtoff.a for make test's guests, and from the
 * installed librtoff-dev with pkg-config for the package test.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <rtoffset.h>

#include "kselftest_harness.h"

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

FIXTURE(lib) {
	struct rtoffset *r;
	int fd;		/* the device, for the ioctls the library is held to */
};

FIXTURE_SETUP(lib)
{
	self->r = rtoffset_open(0);
	ASSERT_NE(NULL, self->r) TH_LOG("rtoffset_open: %s", strerror(errno));
	self->fd = open("/dev/realtime_offset", O_RDONLY);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(lib)
{
	self->r = rtoffset_close(self->r);
	close(self->fd);
}

TEST_F(lib, offsets_equal_the_ioctls)
{
	struct rtoff_offsets a, b, mine;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		ASSERT_EQ(0, ioctl(self->fd, RTOFF_IOC_GET_OFFSETS, &a));
		ASSERT_EQ(0, rtoffset_offsets(self->r, &mine));
		ASSERT_EQ(0, ioctl(self->fd, RTOFF_IOC_GET_OFFSETS, &b));
		if (a.changes == b.changes)
			break;
	}
	ASSERT_EQ(a.changes, b.changes);
	EXPECT_EQ(a.changes, mine.changes);
	EXPECT_EQ(a.realtime_ns, mine.realtime_ns);
	EXPECT_EQ(a.boottime_ns, mine.boottime_ns);
	EXPECT_EQ(a.tai_ns, mine.tai_ns);
	EXPECT_EQ(a.since_ns, mine.since_ns);
	EXPECT_EQ(a.flags, mine.flags);
	ASSERT_EQ(0, rtoffset_collect(self->r, &mine));
	EXPECT_EQ(a.changes == mine.changes ? a.realtime_ns : mine.realtime_ns,
		  mine.realtime_ns);
}

TEST_F(lib, history_equals_the_ioctls)
{
	struct rtoff_change theirs[RTOFF_HISTORY_LEN], mine[RTOFF_HISTORY_LEN];
	struct rtoff_history hist = {
		.entries = (__u64)(unsigned long)theirs,
		.count = RTOFF_HISTORY_LEN,
		.entry_size = sizeof(theirs[0]),
	};
	long n, i;

	ASSERT_EQ(0, ioctl(self->fd, RTOFF_IOC_GET_HISTORY, &hist));
	n = rtoffset_history(self->r, mine, RTOFF_HISTORY_LEN);
	ASSERT_LT(0, n);
	/* A change between the two calls moves everything by one. */
	if (mine[0].changes != theirs[0].changes)
		SKIP(return, "the offsets changed between the two reads");
	ASSERT_EQ((long)hist.count, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(theirs[i].mono_ns, mine[i].mono_ns);
		EXPECT_EQ(theirs[i].realtime_ns, mine[i].realtime_ns);
		EXPECT_EQ(theirs[i].changes, mine[i].changes);
		EXPECT_EQ(theirs[i].cause, mine[i].cause);
	}
	EXPECT_EQ(2, rtoffset_history(self->r, mine, 2) < n ? 2 : n);
	EXPECT_EQ(0, rtoffset_history(self->r, NULL, 0));
}

TEST_F(lib, load_is_the_first_change)
{
	struct rtoff_change load, oldest[RTOFF_HISTORY_LEN];
	struct rtoff_offsets o;
	long n;

	ASSERT_EQ(0, rtoffset_load(self->r, &load));
	EXPECT_EQ((__u32)RTOFF_CAUSE_LOAD, load.cause);
	ASSERT_EQ(0, rtoffset_offsets(self->r, &o));
	EXPECT_LE(load.mono_ns, o.since_ns);
	n = rtoffset_history(self->r, oldest, RTOFF_HISTORY_LEN);
	ASSERT_LT(0, n);
	/* While the history holds the load, its oldest entry is the same. */
	if (oldest[n - 1].cause & RTOFF_CAUSE_LOAD) {
		EXPECT_EQ(load.mono_ns, oldest[n - 1].mono_ns);
		EXPECT_EQ(load.changes, oldest[n - 1].changes);
		EXPECT_EQ(load.realtime_ns, oldest[n - 1].realtime_ns);
	}
}

TEST_F(lib, converts_by_the_offsets)
{
	struct rtoff_offsets before, after;
	struct rtoff_change then;
	unsigned int flags;
	int64_t t, b, utc, tai;

	do {
		ASSERT_EQ(0, ioctl(self->fd, RTOFF_IOC_GET_OFFSETS, &before));
		t = now_ns(CLOCK_MONOTONIC);
		b = now_ns(CLOCK_BOOTTIME);
		ASSERT_EQ(0, rtoffset_at(self->r, CLOCK_MONOTONIC, t, &then));
		ASSERT_EQ(0, rtoffset_convert(self->r, CLOCK_MONOTONIC, t, CLOCK_REALTIME,
					      &utc, &flags));
		ASSERT_EQ(0, rtoffset_convert(self->r, CLOCK_MONOTONIC, t, CLOCK_TAI, &tai, NULL));
		ASSERT_EQ(0, ioctl(self->fd, RTOFF_IOC_GET_OFFSETS, &after));
	} while (before.changes != after.changes);
	EXPECT_EQ(before.changes, then.changes);
	EXPECT_EQ(t + before.realtime_ns, utc);
	EXPECT_EQ(t + before.tai_ns, tai);
	EXPECT_EQ(0U, flags & RTOFFSET_IN_LEAP);
	EXPECT_EQ(!(before.flags & RTOFF_TAI_SET), !!(flags & RTOFFSET_TAI_UNSET));
	/* A BOOTTIME stamp: the same instant, on the boottime axis. */
	ASSERT_EQ(0, rtoffset_convert(self->r, CLOCK_BOOTTIME, b, CLOCK_REALTIME, &utc, NULL));
	EXPECT_EQ(b - before.boottime_ns + before.realtime_ns, utc);
}

TEST(format_known_values)
{
	char buf[64];

	ASSERT_EQ(30, rtoffset_format(0, CLOCK_REALTIME, 0, 9, buf, sizeof(buf)));
	EXPECT_STREQ("1970-01-01T00:00:00.000000000Z", buf);
	ASSERT_LT(0, rtoffset_format(-1, CLOCK_REALTIME, 0, 9, buf, sizeof(buf)));
	EXPECT_STREQ("1969-12-31T23:59:59.999999999Z", buf);
	/* 2016-12-31T23:59:59.5 UTC, the second inserted after it: :60. */
	ASSERT_LT(0, rtoffset_format(1483228799500000000LL, CLOCK_REALTIME,
				     RTOFFSET_IN_LEAP, 3, buf, sizeof(buf)));
	EXPECT_STREQ("2016-12-31T23:59:60.500Z", buf);
	ASSERT_LT(0, rtoffset_format(1483228836999999999LL, CLOCK_TAI, 0, 0, buf, sizeof(buf)));
	EXPECT_STREQ("2017-01-01T00:00:36 TAI", buf);
}

/* Each call's documented errno for bad input, nothing written on failure. */
TEST(bad_input)
{
	struct rtoff_offsets o;
	struct rtoff_change c;
	struct rtoffset *r;
	char buf[64];
	int64_t ns;

	errno = 0;
	EXPECT_EQ(NULL, rtoffset_open(0x100));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(NULL, rtoffset_close(NULL));
	EXPECT_EQ(-1, rtoffset_fd(NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_offsets(NULL, &o));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_collect(NULL, &o));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_history(NULL, &c, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_load(NULL, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_at(NULL, CLOCK_MONOTONIC, 0, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_convert(NULL, CLOCK_MONOTONIC, 0, CLOCK_REALTIME, &ns, NULL));
	EXPECT_EQ(EINVAL, errno);

	/* A closed handle is NULL: rtoffset_close() returns it. */
	r = rtoffset_open(0);
	ASSERT_NE(NULL, r);
	r = rtoffset_close(r);
	EXPECT_EQ(NULL, r);
	EXPECT_EQ(-1, rtoffset_offsets(r, &o));
	EXPECT_EQ(EINVAL, errno);

	r = rtoffset_open(0);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(-1, rtoffset_offsets(r, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, rtoffset_collect(r, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, rtoffset_history(r, NULL, 1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, rtoffset_load(r, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, rtoffset_at(r, CLOCK_MONOTONIC, 0, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, rtoffset_at(r, CLOCK_REALTIME, 0, &c));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_convert(r, CLOCK_MONOTONIC, 0, CLOCK_REALTIME, NULL, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, rtoffset_convert(r, CLOCK_MONOTONIC, 0, CLOCK_BOOTTIME, &ns, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_convert(r, CLOCK_TAI, 0, CLOCK_REALTIME, &ns, NULL));
	EXPECT_EQ(EINVAL, errno);
	r = rtoffset_close(r);

	EXPECT_EQ(-1, rtoffset_format(0, CLOCK_MONOTONIC, 0, 9, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_format(0, CLOCK_REALTIME, 0, 10, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_format(0, CLOCK_REALTIME, 0x100, 9, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_format(0, CLOCK_TAI, RTOFFSET_IN_LEAP, 9, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, rtoffset_format(0, CLOCK_REALTIME, 0, 9, NULL, 64));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, rtoffset_format(0, CLOCK_REALTIME, 0, 9, buf, 30));
	EXPECT_EQ(ERANGE, errno);
}

/*
 * A stamp older than anything kept: ENODATA while the history still holds
 * the driver's load (nothing is known before it), ERANGE once it wrapped.
 */
TEST_F(lib, stamp_outside_the_history)
{
	struct rtoff_change oldest[RTOFF_HISTORY_LEN], c;
	struct rtoff_history hist = {
		.entries = (__u64)(unsigned long)oldest,
		.count = RTOFF_HISTORY_LEN,
		.entry_size = sizeof(oldest[0]),
	};
	int64_t ns;
	int want;

	ASSERT_EQ(0, ioctl(self->fd, RTOFF_IOC_GET_HISTORY, &hist));
	ASSERT_LT(0U, hist.count);
	want = oldest[hist.count - 1].cause & RTOFF_CAUSE_LOAD ? ENODATA : ERANGE;
	EXPECT_EQ(-1, rtoffset_at(self->r, CLOCK_MONOTONIC, INT64_MIN, &c));
	EXPECT_EQ(want, errno);
	EXPECT_EQ(-1, rtoffset_convert(self->r, CLOCK_MONOTONIC,
				       oldest[hist.count - 1].mono_ns - 1, CLOCK_REALTIME,
				       &ns, NULL));
	EXPECT_EQ(want, errno);
}

TEST_F(lib, fd_is_quiet_after_collect)
{
	struct pollfd pfd = { .events = POLLIN | POLLPRI };
	struct rtoff_offsets o;

	pfd.fd = rtoffset_fd(self->r);
	ASSERT_LE(0, pfd.fd);
	ASSERT_EQ(0, rtoffset_collect(self->r, &o));
	/* A second: long enough to mean it, a change in it is reported. */
	if (poll(&pfd, 1, 1000) == 1) {
		struct rtoff_offsets again;

		ASSERT_EQ(0, rtoffset_offsets(self->r, &again));
		EXPECT_NE(o.changes, again.changes);
	}
}

TEST(host_equals_own_outside_a_namespace)
{
	struct rtoffset *host = rtoffset_open(RTOFFSET_HOST), *own = rtoffset_open(0);
	struct rtoff_offsets h, o;

	ASSERT_NE(NULL, own);
	if (!host && errno == EOPNOTSUPP)
		SKIP(goto out, "the device's page cannot be mapped here");
	ASSERT_NE(NULL, host);
	do {
		ASSERT_EQ(0, rtoffset_offsets(host, &h));
		ASSERT_EQ(0, rtoffset_offsets(own, &o));
	} while (h.changes != o.changes);
	EXPECT_EQ(h.realtime_ns, o.realtime_ns);
	EXPECT_EQ(h.since_ns, o.since_ns);
out:
	rtoffset_close(host);
	rtoffset_close(own);
}

TEST_HARNESS_MAIN
