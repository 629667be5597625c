// SPDX-License-Identifier: GPL-2.0
/*
 * Destructive tests for /dev/realtime_offset: they step CLOCK_REALTIME,
 * change the TAI offset and NTP state, insert and delete leap seconds and
 * suspend the machine to RAM, and put the clock back in their teardown. They
 * check the values after each kind of change, that poll and epoll report
 * it, that readers under steps never see a torn triple, and that bad input
 * loses no change. Run by run_destructive_tests; they need CAP_SYS_TIME.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/realtime_offset.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rtoff.h"
#include "rtoff_test.h"

/*
 * The step tests need CAP_SYS_TIME. They put back the clock and the NTP state
 * in their teardown (see struct saved_clock).
 */
FIXTURE(rtoff_step) {
	int fd;
	struct saved_clock clock;
};

FIXTURE_SETUP(rtoff_step)
{
	self->clock.changed = false;
	self->fd = open(RTOFF_DEV, O_RDONLY);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s does not exist: load realtime_offset", RTOFF_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RTOFF_DEV, strerror(errno));
	ASSERT_EQ(0, save_clock(self->fd, &self->clock));
}

FIXTURE_TEARDOWN(rtoff_step)
{
	if (self->fd < 0)
		return;
	EXPECT_EQ(0, restore_clock(self->fd, &self->clock));
	close(self->fd);
}

/*
 * Set REALTIME to @target and return the window the new offset must lie in:
 * the step happened at some MONOTONIC instant between the two reads.
 */
static int step_to(int64_t target, struct window *w)
{
	int64_t m1, m2;
	int ret;

	m1 = clock_ns(CLOCK_MONOTONIC);
	ret = set_realtime_ns(target);
	m2 = clock_ns(CLOCK_MONOTONIC);
	if (ret)
		return errno;
	*w = (struct window){ .lo = target - m2, .hi = target - m1 };
	return 0;
}

TEST_F(rtoff_step, value_follows_steps)
{
	/* One step back to 2001, one forward to 2033, both off the second. */
	const int64_t targets[] = {
		1000000000LL * NSEC_PER_SEC + 123456789,
		2000000000LL * NSEC_PER_SEC + 987654321,
	};
	struct window w;
	int64_t value;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		ret = step_to(targets[i], &w);
		if (ret == EPERM)
			SKIP(return, "setting CLOCK_REALTIME needs CAP_SYS_TIME");
		ASSERT_EQ(0, ret);
		self->clock.changed = true;
		ASSERT_EQ(0, read_offset(self->fd, &value));
		EXPECT_LE(w.lo, value);
		EXPECT_GE(w.hi, value);
	}
}

TEST_F(rtoff_step, snapshot_until_position_zero)
{
	char line[64], rest[64];
	int64_t before, after, again;
	struct window w;
	ssize_t len, n;
	int ret;

	ASSERT_EQ(0, read_offset(self->fd, &before));

	/* Start a line, step the clock, finish it: still the old value. */
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(3, read(self->fd, line, 3));
	ret = step_to(clock_ns(CLOCK_REALTIME) + 3600 * NSEC_PER_SEC + 1, &w);
	if (ret == EPERM)
		SKIP(return, "setting CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	self->clock.changed = true;
	n = read(self->fd, line + 3, sizeof(line) - 3);
	ASSERT_LT(0, n);
	len = n + 3;
	ASSERT_EQ(0, parse_line(line, len, &again));
	EXPECT_EQ(before, again);
	EXPECT_EQ(0, read(self->fd, rest, sizeof(rest)));

	/* pread() at 0 and a read after lseek(0) both take a new snapshot. */
	ASSERT_EQ(0, read_offset(self->fd, &after));
	EXPECT_LE(w.lo, after);
	EXPECT_GE(w.hi, after);
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	n = read(self->fd, rest, sizeof(rest));
	ASSERT_EQ(0, parse_line(rest, n, &again));
	EXPECT_EQ(after, again);
}

/*
 * A line read in pieces through a file that a thread or a forked child
 * shares: their pread() at 0 after a step gets the new value, and so does
 * their preadv() into two buffers, whole; the pieces still make up the old
 * value.
 */
TEST_F(rtoff_step, pread_leaves_a_line_in_pieces)
{
	char line[64], other[64], head[5], tail[64];
	struct iovec iov[2] = {
		{ .iov_base = head, .iov_len = sizeof(head) },
		{ .iov_base = tail, .iov_len = sizeof(tail) },
	};
	int64_t before, stepped, again;
	struct window w;
	ssize_t len, n;
	int ret;

	ASSERT_EQ(0, read_offset(self->fd, &before));
	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	ASSERT_EQ(5, read(self->fd, line, 5));
	/* Every digit but the leading ones moves. */
	ret = step_to(clock_ns(CLOCK_REALTIME) + 3600 * NSEC_PER_SEC + 123456789, &w);
	if (ret == EPERM)
		SKIP(return, "setting CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	self->clock.changed = true;

	n = pread(self->fd, other, sizeof(other), 0);
	ASSERT_EQ(0, parse_line(other, n, &stepped));
	EXPECT_LE(w.lo, stepped);
	EXPECT_GE(w.hi, stepped);

	n = preadv(self->fd, iov, 2, 0);
	ASSERT_LT((ssize_t)sizeof(head), n);
	memcpy(other, head, sizeof(head));
	memcpy(other + sizeof(head), tail, n - sizeof(head));
	ASSERT_EQ(0, parse_line(other, n, &again));
	EXPECT_LE(w.lo, again);
	EXPECT_GE(w.hi, again);

	len = 5;
	while ((n = read(self->fd, line + len, 5)) > 0 && len + n < (ssize_t)sizeof(line))
		len += n;
	ASSERT_EQ(0, n);
	ASSERT_EQ(0, parse_line(line, len, &again));
	EXPECT_EQ(before, again);
}

/*
 * Reader threads hammer the ioctl and the mapped page, in turn, while the
 * clock is stepped back and forth
 * between two states, exactly: every triple seen must be one of the two (never
 * torn), seq must never go back, and seq tells the state (an even count of
 * steps since the start is the first state).
 */
#define STEPS		1000
#define STEP_NS		(NSEC_PER_SEC + 7)
#define READERS		2

struct hammer {
	int fd;
	const struct rtoff_page *page;		/* read it every other time */
	const struct rtoff_offsets *states;	/* [0]: before, [1]: stepped */
	atomic_bool *stop;
	long reads;
	long bad;
	long changes;		/* reads that saw a new seq */
	struct rtoff_offsets first_bad;
};

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	struct rtoff_offsets o;
	uint64_t last_seq = h->states[0].changes;

	while (!atomic_load(h->stop)) {
		bool from_page = h->page && (h->reads & 1);

		if (from_page)
			rtoff_read_page(h->page, &o);
		if ((!from_page && get_offsets(h->fd, &o)) ||
		    o.changes < last_seq ||
		    !same_offsets(&o, &h->states[(o.changes - h->states[0].changes) & 1])) {
			if (!h->bad++)
				h->first_bad = o;
		}
		h->changes += o.changes != last_seq;
		last_seq = o.changes;
		h->reads++;
	}
	return NULL;
}

TEST_F(rtoff_step, consistency_under_steps)
{
	struct rtoff_offsets states[2];
	struct hammer hammers[READERS];
	atomic_bool stop = false;
	pthread_t threads[READERS];
	int i, ret;

	ASSERT_EQ(0, get_offsets(self->fd, &states[0]));
	states[1] = states[0];
	states[1].realtime_ns += STEP_NS;
	states[1].tai_ns += STEP_NS;

	ret = step_by(0);
	if (ret == EPERM)
		SKIP(return, "stepping CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	/* Stepping by 0 changes nothing, so it must not count as a change. */
	ASSERT_EQ(0, get_offsets(self->fd, &states[1]));
	ASSERT_EQ(states[0].changes, states[1].changes);
	states[1].realtime_ns += STEP_NS;
	states[1].tai_ns += STEP_NS;
	self->clock.changed = true;

	for (i = 0; i < READERS; i++) {
		hammers[i] = (struct hammer){
			.fd = self->fd, .states = states, .stop = &stop,
			.page = map_page(self->fd),
		};
		ASSERT_NE(NULL, hammers[i].page);
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, hammer_main,
					    &hammers[i]));
	}
	for (i = 0; i < STEPS && !ret; i++)
		ret = step_by(i & 1 ? -STEP_NS : STEP_NS);
	atomic_store(&stop, true);
	for (i = 0; i < READERS; i++)
		pthread_join(threads[i], NULL);
	ASSERT_EQ(0, ret);

	for (i = 0; i < READERS; i++) {
		ksft_print_msg("reader %d: %ld reads of ioctl and page, %ld new seqs, %ld bad\n",
			       i, hammers[i].reads, hammers[i].changes, hammers[i].bad);
		/* Else the reader never met the steps and proved nothing. */
		EXPECT_LT(0, hammers[i].changes);
		EXPECT_EQ(0, hammers[i].bad)
			TH_LOG("first bad: seq %llu real %lld boot %lld tai %lld",
			       (unsigned long long)hammers[i].first_bad.changes,
			       (long long)hammers[i].first_bad.realtime_ns,
			       (long long)hammers[i].first_bad.boottime_ns,
			       (long long)hammers[i].first_bad.tai_ns);
	}
}

/*
 * A thread blocked in poll() on the device while the test changes the clock:
 * it notes when it woke and what poll() reported.
 */
struct waiter {
	int fd;
	int timeout_ms;
	int revents;
	int64_t woke;
	pthread_t thread;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->revents = poll_change(w->fd, w->timeout_ms);
	w->woke = clock_ns(CLOCK_MONOTONIC);
	return NULL;
}

/* Returns 0 or an error code. */
static int waiter_start(struct waiter *w, int fd, int timeout_ms)
{
	struct rtoff_offsets offsets;
	int ret;

	*w = (struct waiter){ .fd = fd, .timeout_ms = timeout_ms };
	/* Seen the offsets as they are now, then wait for them to change. */
	if (get_offsets(fd, &offsets))
		return errno;
	ret = pthread_create(&w->thread, NULL, waiter_main, w);
	if (ret)
		return ret;
	usleep(50000);
	return 0;
}

/* Spin rather than sleep, so that ticks go on while the waiter waits. */
static void waiter_join(struct waiter *w)
{
	while (pthread_tryjoin_np(w->thread, NULL) == EBUSY)
		;
}

/*
 * The waiter must have woken with a change, and not before the change was
 * made (@not_before, CLOCK_MONOTONIC); only a wakeup that never came within
 * its timeout fails. How long after @when it woke is printed as a figure (not
 * when @when is 0), not judged: under an emulator on a busy host it varies,
 * and make bench is where the latency is measured.
 */
static void expect_woke(struct __test_metadata *_metadata,
			const struct waiter *w, int64_t when, int64_t not_before)
{
	EXPECT_EQ(POLLIN | POLLPRI, w->revents & (POLLIN | POLLPRI))
		TH_LOG("no change reported within %d ms", w->timeout_ms);
	EXPECT_LE(not_before, w->woke);
	if (w->revents && when)
		ksft_print_msg("woke %lld us after the change\n",
			       (long long)((w->woke - when) / 1000));
}

/* The clock changes the wakeup tests make: 0, or an errno. */
static int change_settime(void)
{
	return set_realtime_ns(clock_ns(CLOCK_REALTIME) + 10 * NSEC_PER_SEC) ? errno : 0;
}

static int change_settimeofday(void)
{
	struct timeval tv;

	if (gettimeofday(&tv, NULL))
		return errno;
	tv.tv_sec -= 10;
	return settimeofday(&tv, NULL) ? errno : 0;
}

static int change_setoffset(void)
{
	return step_by(-5 * NSEC_PER_SEC - 3);
}

static int tai_offset;

static int change_tai(void)
{
	struct timex tx = { .modes = ADJ_TAI, .constant = tai_offset + 7 };

	return adjtimex(&tx) < 0 ? errno : 0;
}

/*
 * Make @change while a waiter polls the file, and check that it woke. Returns
 * what @change returned; EPERM is for the caller to skip.
 */
static int expect_wake_on(struct __test_metadata *_metadata, int fd,
			  bool *stepped, int (*change)(void))
{
	struct waiter w;
	int64_t before;
	int ret;

	ret = waiter_start(&w, fd, WAKE_TIMEOUT_MS);
	ASSERT_EQ(0, ret) TH_LOG("waiter: %s", strerror(ret));
	before = clock_ns(CLOCK_MONOTONIC);
	ret = change();
	if (!ret)
		*stepped = true;
	waiter_join(&w);
	if (!ret)
		expect_woke(_metadata, &w, before, before);
	return ret;
}

TEST_F(rtoff_step, wakes_on_clock_settime)
{
	int ret = expect_wake_on(_metadata, self->fd, &self->clock.changed, change_settime);

	if (ret == EPERM)
		SKIP(return, "setting CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
}

TEST_F(rtoff_step, wakes_on_settimeofday)
{
	int ret = expect_wake_on(_metadata, self->fd, &self->clock.changed,
				 change_settimeofday);

	if (ret == EPERM)
		SKIP(return, "settimeofday() needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
}

TEST_F(rtoff_step, wakes_on_adj_setoffset)
{
	struct rtoff_offsets before, after;
	int ret;

	ASSERT_EQ(0, get_offsets(self->fd, &before));
	ret = expect_wake_on(_metadata, self->fd, &self->clock.changed, change_setoffset);
	if (ret == EPERM)
		SKIP(return, "adjtimex(ADJ_SETOFFSET) needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);

	/* Exactly the step, on REALTIME and TAI alike. */
	ASSERT_EQ(0, get_offsets(self->fd, &after));
	EXPECT_LT(before.changes, after.changes);
	EXPECT_EQ(before.realtime_ns - 5 * NSEC_PER_SEC - 3, after.realtime_ns);
	EXPECT_EQ(before.boottime_ns, after.boottime_ns);
	EXPECT_EQ(before.tai_ns - 5 * NSEC_PER_SEC - 3, after.tai_ns);
}

TEST_F(rtoff_step, wakes_on_adj_tai)
{
	struct rtoff_offsets before, after;
	int ret;

	ASSERT_EQ(0, get_offsets(self->fd, &before));
	tai_offset = self->clock.ntp.tai;
	ret = expect_wake_on(_metadata, self->fd, &self->clock.changed, change_tai);
	if (ret == EPERM)
		SKIP(return, "adjtimex(ADJ_TAI) needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);

	/* Only TAI moved: timerfd's CANCEL_ON_SET would not even notice. */
	ASSERT_EQ(0, get_offsets(self->fd, &after));
	EXPECT_EQ(before.realtime_ns, after.realtime_ns);
	EXPECT_EQ(before.boottime_ns, after.boottime_ns);
	EXPECT_EQ(before.tai_ns + 7 * NSEC_PER_SEC, after.tai_ns);
}

/* The offsets of @c and @o are the same. */
static bool same_change(const struct rtoff_change *c, const struct rtoff_offsets *o)
{
	return c->realtime_ns == o->realtime_ns && c->boottime_ns == o->boottime_ns &&
	       c->tai_ns == o->tai_ns && c->changes == o->changes;
}

/*
 * rtoff_at() of @t, through the page and through the ioctl: both must find
 * the change @want.
 */
static void expect_at(struct __test_metadata *_metadata, int64_t t,
		      const struct rtoff_change *want)
{
	struct rtoff_change got;
	struct rtoff r;

	ASSERT_EQ(0, rtoff_open(&r));
	ASSERT_NE(NULL, r.page);
	ASSERT_EQ(0, rtoff_at(&r, CLOCK_MONOTONIC, t, &got)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, memcmp(want, &got, sizeof(got)))
		TH_LOG("page: %lld found change %llu, not %llu", (long long)t,
		       (unsigned long long)got.changes, (unsigned long long)want->changes);
	munmap((void *)r.page, sysconf(_SC_PAGESIZE));
	r.page = NULL;
	ASSERT_EQ(0, rtoff_at(&r, CLOCK_MONOTONIC, t, &got)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, memcmp(want, &got, sizeof(got)))
		TH_LOG("ioctl: %lld found change %llu, not %llu", (long long)t,
		       (unsigned long long)got.changes, (unsigned long long)want->changes);
	rtoff_close(&r);
}

/*
 * A step, then a change of the TAI offset: two entries, each at the instant
 * of its change, and stamps taken before, between and after them convert
 * with the offsets of their time.
 */
TEST_F(rtoff_step, history_of_a_step_and_a_tai_change)
{
	struct timex tx = { .modes = ADJ_TAI, .constant = self->clock.ntp.tai + 37 };
	struct rtoff_offsets before, after;
	struct rtoff_change e[3];
	int64_t t0, t1, t2, t3;
	int ret;

	ASSERT_EQ(0, get_offsets(self->fd, &before));
	t0 = clock_ns(CLOCK_MONOTONIC);
	ret = step_by(2 * NSEC_PER_SEC + 5);
	t1 = clock_ns(CLOCK_MONOTONIC);
	if (ret == EPERM)
		SKIP(return, "adjtimex(ADJ_SETOFFSET) needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	self->clock.changed = true;
	t2 = clock_ns(CLOCK_MONOTONIC);
	ASSERT_LE(0, adjtimex(&tx));
	t3 = clock_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, get_offsets(self->fd, &after));
	ASSERT_EQ(3, get_history(self->fd, e, 3, sizeof(e[0])));

	/* Newest first: the TAI change, the step, what held before. */
	EXPECT_EQ(RTOFF_CAUSE_TAI, e[0].cause);
	EXPECT_LE(t2, e[0].mono_ns);
	EXPECT_GE(t3, e[0].mono_ns);
	EXPECT_TRUE(same_change(&e[0], &after));
	EXPECT_EQ(after.since_ns, e[0].mono_ns);
	EXPECT_EQ(e[1].realtime_ns, e[0].realtime_ns);
	EXPECT_EQ(e[1].tai_ns + 37 * NSEC_PER_SEC, e[0].tai_ns);
	EXPECT_TRUE(after.flags & RTOFF_TAI_SET);

	EXPECT_EQ(RTOFF_CAUSE_STEP, e[1].cause);
	EXPECT_LE(t0, e[1].mono_ns);
	EXPECT_GE(t1, e[1].mono_ns);
	EXPECT_EQ(after.changes - 1, e[1].changes);
	EXPECT_EQ(before.realtime_ns + 2 * NSEC_PER_SEC + 5, e[1].realtime_ns);
	EXPECT_EQ(before.boottime_ns, e[1].boottime_ns);
	EXPECT_EQ(before.tai_ns + 2 * NSEC_PER_SEC + 5, e[1].tai_ns);

	EXPECT_TRUE(same_change(&e[2], &before));
	EXPECT_EQ(before.since_ns, e[2].mono_ns);

	expect_at(_metadata, t0 - 1, &e[2]);
	expect_at(_metadata, t1, &e[1]);
	expect_at(_metadata, t3, &e[0]);
	expect_at(_metadata, clock_ns(CLOCK_MONOTONIC), &e[0]);
}

/*
 * The index of the first change of the newest-first history @e, @n long,
 * that starts at or before @t: the one in force at @t; -1 if none does.
 */
static int in_force_at(const struct rtoff_change *e, int n, int64_t t)
{
	int j;

	for (j = 0; j < n && e[j].mono_ns > t; j++)
		;
	return j < n ? j : -1;
}

/*
 * More changes than the history keeps: the newest RTOFF_HISTORY_LEN, in
 * order; a stamp at any of them, or just before any but the oldest, finds
 * the newest change that starts at or before it, in the wrapped ring as
 * through the ioctl; and a stamp older than all of them is refused as such.
 */
TEST_F(rtoff_step, history_keeps_the_newest_changes)
{
	const int steps = RTOFF_HISTORY_LEN + 8;
	struct rtoff_change e[RTOFF_HISTORY_LEN + 1], got;
	struct rtoff_offsets after;
	struct rtoff r;
	int i, j, ret;
	int64_t t;

	for (i = 0; i < steps; i++) {
		ret = step_by(i & 1 ? -1000 : 1000);
		if (ret == EPERM)
			SKIP(return, "adjtimex(ADJ_SETOFFSET) needs CAP_SYS_TIME");
		ASSERT_EQ(0, ret);
		self->clock.changed = true;
	}
	ASSERT_EQ(0, get_offsets(self->fd, &after));
	ASSERT_EQ(RTOFF_HISTORY_LEN, get_history(self->fd, e, ARRAY_SIZE(e), sizeof(e[0])));
	for (i = 0; i < RTOFF_HISTORY_LEN; i++) {
		EXPECT_EQ(after.changes - i, e[i].changes);
		EXPECT_EQ(RTOFF_CAUSE_STEP, e[i].cause);
		if (i)
			EXPECT_LE(e[i].mono_ns, e[i - 1].mono_ns);
	}
	EXPECT_TRUE(same_change(&e[0], &after));

	/* The instant of each change kept, and the nanosecond before it. */
	for (i = 0; i < 2 * RTOFF_HISTORY_LEN; i++) {
		t = e[i / 2].mono_ns - i % 2;
		j = in_force_at(e, RTOFF_HISTORY_LEN, t);
		if (j >= 0)
			expect_at(_metadata, t, &e[j]);
	}
	ASSERT_EQ(0, rtoff_open(&r));
	EXPECT_EQ(-1, rtoff_at(&r, CLOCK_MONOTONIC, e[RTOFF_HISTORY_LEN - 1].mono_ns - 1, &got));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(-1, rtoff_at(&r, CLOCK_REALTIME, e[0].mono_ns, &got));
	EXPECT_EQ(EINVAL, errno);

	/* The load is gone from the ring, and kept in the page. */
	ASSERT_NE(NULL, r.page);
	ASSERT_EQ(0, rtoff_load(&r, &got));
	EXPECT_EQ(RTOFF_CAUSE_LOAD, got.cause);
	EXPECT_EQ(after.changes - (r.page->history_count - 1), got.changes);
	EXPECT_GT(e[RTOFF_HISTORY_LEN - 1].mono_ns, got.mono_ns);
	munmap((void *)r.page, sysconf(_SC_PAGESIZE));
	r.page = NULL;
	EXPECT_EQ(-1, rtoff_load(&r, &got));
	EXPECT_EQ(ENODATA, errno);
	rtoff_close(&r);
}

/*
 * Put REALTIME LEAP_LEAD_NS before a leap second of kind @status (STA_INS:
 * 23:59:60 follows 23:59:59 at midnight UTC; STA_DEL: 23:59:59 is skipped)
 * and wait for it. The kernel arms a leap on a second boundary before it
 * (for STA_DEL only from 23:59:58): the lead leaves seconds for adjtimex()
 * to come first, however slow the machine.
 */
#define LEAP_LEAD_NS	(5 * NSEC_PER_SEC)

static void leap_second(struct __test_metadata *_metadata, int fd,
			const struct timex *saved_ntp, bool *stepped, int status)
{
	int64_t now = clock_ns(CLOCK_REALTIME) / NSEC_PER_SEC;
	int64_t midnight = (now / 86400 + 1) * 86400 * NSEC_PER_SEC;
	int64_t leap_at = status == STA_INS ? midnight : midnight - NSEC_PER_SEC;
	struct timex query = { .modes = 0 };
	struct rtoff_offsets before_leap, armed, after_leap;
	struct timex tx = { .modes = ADJ_STATUS, .status = status };
	struct rtoff_change e[2];
	int64_t boundary;
	struct waiter w;
	int64_t set_at;
	int i;

	/*
	 * After a leap second NTP passes through TIME_OOP and TIME_WAIT, and
	 * leaves them only once a second passes with no leap pending: a leap
	 * asked for before it is back in TIME_OK is never made. adjtimex()
	 * says TIME_ERROR while STA_UNSYNC is set, which any clock step sets:
	 * clear it too (the teardown puts the status back).
	 */
	for (i = 0; i < 100 && adjtimex(&query) != TIME_OK; i++) {
		query = (struct timex){
			.modes = ADJ_STATUS,
			.status = saved_ntp->status & ~(STA_INS | STA_DEL | STA_UNSYNC),
		};
		usleep(100000);
	}

	/* The leap comes LEAP_LEAD_NS after the step, so not before this. */
	set_at = clock_ns(CLOCK_MONOTONIC);
	if (set_realtime_ns(leap_at - LEAP_LEAD_NS)) {
		if (errno == EPERM)
			SKIP(return, "setting CLOCK_REALTIME needs CAP_SYS_TIME");
		ASSERT_EQ(0, errno);
	}
	*stepped = true;
	ASSERT_LE(0, adjtimex(&tx));
	ASSERT_EQ(0, get_offsets(fd, &before_leap));
	boundary = leap_at - before_leap.realtime_ns;

	/*
	 * The kernel arms an insertion at the next second boundary and says
	 * when it comes; a deletion it does not announce. Look until 1.5 s
	 * before the leap, and leave the waiter the rest.
	 */
	do {
		ASSERT_EQ(0, get_offsets(fd, &armed));
		if (armed.flags & RTOFF_LEAP_ARMED || status != STA_INS)
			break;
		usleep(10000);
	} while (clock_ns(CLOCK_MONOTONIC) < boundary - 3 * NSEC_PER_SEC / 2);
	ASSERT_EQ(before_leap.changes, armed.changes);
	if (status == STA_INS) {
		EXPECT_TRUE(armed.flags & RTOFF_LEAP_ARMED);
		EXPECT_EQ(boundary, armed.next_leap_ns);
	} else {
		EXPECT_FALSE(armed.flags & RTOFF_LEAP_ARMED);
	}

	ASSERT_EQ(0, waiter_start(&w, fd, WAKE_TIMEOUT_MS));
	waiter_join(&w);
	expect_woke(_metadata, &w, set_at + LEAP_LEAD_NS, set_at + LEAP_LEAD_NS);

	/* REALTIME went back (or on) a second; TAI - MONOTONIC did not move. */
	ASSERT_EQ(0, get_offsets(fd, &after_leap));
	EXPECT_EQ(before_leap.realtime_ns + (status == STA_INS ? -1 : 1) * NSEC_PER_SEC,
		  after_leap.realtime_ns);
	EXPECT_EQ(before_leap.tai_ns, after_leap.tai_ns);
	EXPECT_EQ(before_leap.boottime_ns, after_leap.boottime_ns);
	EXPECT_FALSE(after_leap.flags & RTOFF_LEAP_ARMED);

	/* In the history at the second boundary itself, to the nanosecond. */
	ASSERT_EQ(2, get_history(fd, e, 2, sizeof(e[0])));
	EXPECT_EQ(status == STA_INS ? RTOFF_CAUSE_LEAP_INSERT : RTOFF_CAUSE_LEAP_DELETE,
		  e[0].cause);
	EXPECT_EQ(boundary, e[0].mono_ns);
	EXPECT_EQ(boundary, after_leap.since_ns);
	EXPECT_TRUE(same_change(&e[0], &after_leap));
	EXPECT_TRUE(same_change(&e[1], &before_leap));
	expect_at(_metadata, boundary - 1, &e[1]);
	expect_at(_metadata, boundary, &e[0]);
}

TEST_F(rtoff_step, wakes_on_leap_second_insert)
{
	leap_second(_metadata, self->fd, &self->clock.ntp, &self->clock.changed, STA_INS);
}

TEST_F(rtoff_step, wakes_on_leap_second_delete)
{
	leap_second(_metadata, self->fd, &self->clock.ntp, &self->clock.changed, STA_DEL);
}

static int write_file(const char *path, const char *text)
{
	int fd, ret;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ret = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
	close(fd);
	return ret;
}

static bool file_has(const char *path, const char *word)
{
	char text[256] = "";
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	if (read(fd, text, sizeof(text) - 1) < 0)
		text[0] = '\0';
	close(fd);
	return strstr(text, word);
}

/*
 * Suspend to RAM (S3) for a few seconds, woken by the RTC alarm. While asleep
 * REALTIME and BOOTTIME go on and MONOTONIC does not: all three offsets grow
 * by the time asleep, the same for each.
 */
TEST_F(rtoff_step, wakes_on_resume)
{
	const char *alarm = "/sys/class/rtc/rtc0/wakealarm";
	const char *restore_sleep = NULL;
	struct rtoff_offsets before, after;
	int64_t slept, t0, t1;
	struct rtoff_change e;
	struct waiter w;

	if (!file_has("/sys/power/state", "mem") ||
	    (access("/sys/power/mem_sleep", F_OK) == 0 &&
	     !file_has("/sys/power/mem_sleep", "deep")))
		SKIP(return, "the kernel offers no suspend to RAM (S3)");
	if (access(alarm, W_OK))
		SKIP(return, "no RTC wake alarm to resume with: %s", alarm);
	/* Ask for S3, and put back the kind of sleep chosen before. */
	if (file_has("/sys/power/mem_sleep", "[s2idle]"))
		restore_sleep = "s2idle";
	if (access("/sys/power/mem_sleep", F_OK) == 0)
		ASSERT_EQ(0, write_file("/sys/power/mem_sleep", "deep"));

	ASSERT_EQ(0, get_offsets(self->fd, &before));
	t0 = clock_ns(CLOCK_MONOTONIC);
	/* poll()'s timeout does not run while the machine sleeps. */
	ASSERT_EQ(0, waiter_start(&w, self->fd, WAKE_TIMEOUT_MS));
	ASSERT_EQ(0, write_file(alarm, "0"));
	ASSERT_EQ(0, write_file(alarm, "+3"));
	ASSERT_EQ(0, write_file("/sys/power/state", "mem"))
		TH_LOG("suspend: %s", strerror(errno));
	waiter_join(&w);
	if (restore_sleep)
		EXPECT_EQ(0, write_file("/sys/power/mem_sleep", restore_sleep));
	/* The waiter was frozen while asleep: it runs again with the rest. */
	expect_woke(_metadata, &w, 0, 0);

	ASSERT_EQ(0, get_offsets(self->fd, &after));
	slept = after.realtime_ns - before.realtime_ns;
	ksft_print_msg("asleep for %lld ms\n", (long long)(slept / 1000000));
	EXPECT_LT(0, slept);
	EXPECT_EQ(slept, after.boottime_ns - before.boottime_ns);
	EXPECT_EQ(slept, after.tai_ns - before.tai_ns);

	/* MONOTONIC stood still while asleep: the change is between the reads. */
	t1 = clock_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(1, get_history(self->fd, &e, 1, sizeof(e)));
	EXPECT_EQ(RTOFF_CAUSE_RESUME, e.cause);
	EXPECT_TRUE(same_change(&e, &after));
	EXPECT_LE(t0, e.mono_ns);
	EXPECT_GE(t1, e.mono_ns);
}

/* NTP frequency and tick changes slew the clocks; they move no offset. */
TEST_F(rtoff_step, quiet_through_frequency_changes)
{
	struct rtoff_offsets before, after;
	struct timex tx;
	struct waiter w;
	int64_t end;
	int i, ret = 0;

	ASSERT_EQ(0, get_offsets(self->fd, &before));
	ASSERT_EQ(0, waiter_start(&w, self->fd, 2500));
	end = clock_ns(CLOCK_MONOTONIC) + 2 * NSEC_PER_SEC;
	for (i = 0; !ret && clock_ns(CLOCK_MONOTONIC) < end; i++) {
		tx = (struct timex){
			.modes = ADJ_FREQUENCY | ADJ_TICK,
			.freq = (i & 1 ? 100 : -100) << 16,	/* ppm */
			.tick = self->clock.ntp.tick + (i & 1),
		};
		ret = adjtimex(&tx) < 0 ? errno : 0;
		if (!ret)
			self->clock.changed = true;
		usleep(10000);
	}
	waiter_join(&w);
	if (ret == EPERM)
		SKIP(return, "adjtimex(ADJ_FREQUENCY) needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	ksft_print_msg("%d frequency changes\n", i);
	EXPECT_EQ(0, w.revents);
	ASSERT_EQ(0, get_offsets(self->fd, &after));
	EXPECT_EQ(before.changes, after.changes);
	EXPECT_TRUE(same_offsets(&before, &after));
}

TEST_F(rtoff_step, epoll_level_and_edge)
{
	struct epoll_event level = { .events = EPOLLIN | EPOLLPRI, .data.u32 = 1 };
	struct epoll_event edge = { .events = EPOLLIN | EPOLLPRI | EPOLLET, .data.u32 = 2 };
	struct rtoff_offsets offsets;
	struct epoll_event ev;
	int ep_level, ep_edge, ret;

	ep_level = epoll_create1(EPOLL_CLOEXEC);
	ep_edge = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep_level);
	ASSERT_LE(0, ep_edge);
	ASSERT_EQ(0, epoll_ctl(ep_level, EPOLL_CTL_ADD, self->fd, &level));
	ASSERT_EQ(0, epoll_ctl(ep_edge, EPOLL_CTL_ADD, self->fd, &edge));
	EXPECT_EQ(0, epoll_wait(ep_level, &ev, 1, QUIET_MS));
	EXPECT_EQ(0, epoll_wait(ep_edge, &ev, 1, QUIET_MS));

	ret = step_by(NSEC_PER_SEC);
	if (ret == EPERM)
		SKIP(return, "stepping CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	self->clock.changed = true;

	/* Level-triggered: ready until the file reads the offsets again. */
	ASSERT_EQ(1, epoll_wait(ep_level, &ev, 1, WAKE_TIMEOUT_MS));
	EXPECT_EQ(1, ev.data.u32);
	EXPECT_EQ(EPOLLIN | EPOLLPRI, ev.events & (EPOLLIN | EPOLLPRI));
	EXPECT_EQ(1, epoll_wait(ep_level, &ev, 1, 0));
	/* Edge-triggered: once, until another change comes. */
	ASSERT_EQ(1, epoll_wait(ep_edge, &ev, 1, WAKE_TIMEOUT_MS));
	EXPECT_EQ(2, ev.data.u32);
	EXPECT_EQ(0, epoll_wait(ep_edge, &ev, 1, QUIET_MS));

	ASSERT_EQ(0, get_offsets(self->fd, &offsets));
	EXPECT_EQ(0, epoll_wait(ep_level, &ev, 1, QUIET_MS));

	/* The next change is reported again, both ways. */
	ASSERT_EQ(0, step_by(-NSEC_PER_SEC));
	EXPECT_EQ(1, epoll_wait(ep_level, &ev, 1, WAKE_TIMEOUT_MS));
	EXPECT_EQ(1, epoll_wait(ep_edge, &ev, 1, WAKE_TIMEOUT_MS));
	close(ep_level);
	close(ep_edge);
}

TEST_F(rtoff_step, two_files_see_a_change_each)
{
	struct rtoff_offsets offsets;
	char line[64];
	int other, ret;

	other = open(RTOFF_DEV, O_RDONLY);
	ASSERT_LE(0, other);
	ret = step_by(2 * NSEC_PER_SEC);
	if (ret == EPERM)
		SKIP(return, "stepping CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	self->clock.changed = true;

	EXPECT_NE(0, poll_change(self->fd, WAKE_TIMEOUT_MS));
	EXPECT_NE(0, poll_change(other, WAKE_TIMEOUT_MS));

	/* Reading at position 0 re-arms this file and no other. */
	ASSERT_LT(0, pread(self->fd, line, sizeof(line), 0));
	EXPECT_EQ(0, poll_change(self->fd, QUIET_MS));
	EXPECT_NE(0, poll_change(other, WAKE_TIMEOUT_MS));
	ASSERT_EQ(0, get_offsets(other, &offsets));
	EXPECT_EQ(0, poll_change(other, QUIET_MS));
	close(other);
}

/*
 * A reader of the file whose copy to user space waits on a page that
 * userfaultfd holds back, until the test lets it go.
 */
struct held_reader {
	int fd;
	bool use_read;
	char *buf;
	int ret;
	pthread_t thread;
};

/* The offsets into @buf by read() or by the ioctl: 0, or -1 with errno. */
static int read_offsets_into(int fd, bool use_read, void *buf)
{
	if (use_read)
		return pread(fd, buf, RTOFF_LINE_MAX, 0) > 0 ? 0 : -1;
	return ioctl(fd, RTOFF_IOC_GET_OFFSETS, buf);
}

static void *held_reader_main(void *arg)
{
	struct held_reader *r = arg;

	r->ret = read_offsets_into(r->fd, r->use_read, r->buf);
	return NULL;
}

/*
 * Two readers of one file that finish out of order: the first takes the
 * offsets, and its copy to user space is held by userfaultfd while the clock
 * steps and a second reader reads the new offsets; then the first finishes.
 * The file has read the newest offsets: poll() must have nothing to report.
 */
static void readers_out_of_order(struct __test_metadata *_metadata, int fd,
				 bool *stepped, bool use_read)
{
	long page = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_copy copy = {};
	struct held_reader r = { .fd = fd, .use_read = use_read };
	struct rtoff_offsets offsets;
	struct pollfd pfd;
	struct uffd_msg msg;
	char *held, *fill;
	int uffd, ret;

	ret = step_by(0);
	if (ret == EPERM)
		SKIP(return, "stepping CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	/* The sysctl is there exactly when the system call is. */
	if (access("/proc/sys/vm/unprivileged_userfaultfd", F_OK))
		SKIP(return, "kernel built without CONFIG_USERFAULTFD");
	/* Faults in the kernel's copies need CAP_SYS_PTRACE to be held. */
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0 && errno == EPERM)
		SKIP(return, "userfaultfd for kernel faults needs CAP_SYS_PTRACE");
	ASSERT_LE(0, uffd) TH_LOG("userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_API, &api));
	held = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, held);
	ASSERT_NE(MAP_FAILED, fill);
	reg.range.start = (unsigned long)held;
	reg.range.len = page;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_REGISTER, &reg));

	ASSERT_EQ(0, get_offsets(fd, &offsets));
	r.buf = held;
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, held_reader_main, &r));
	/* The first reader has taken the offsets and waits for its page. */
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, WAKE_TIMEOUT_MS));
	ASSERT_EQ(POLLIN, pfd.revents);
	ASSERT_EQ(sizeof(msg), read(uffd, &msg, sizeof(msg)));
	ASSERT_EQ(UFFD_EVENT_PAGEFAULT, msg.event);
	ASSERT_EQ((unsigned long)held, msg.arg.pagefault.address & ~(page - 1));

	ASSERT_EQ(0, step_by(1));
	*stepped = true;
	ASSERT_EQ(0, read_offsets_into(fd, use_read, &offsets));
	ASSERT_EQ(0, poll_change(fd, 0));

	copy.dst = (unsigned long)held;
	copy.src = (unsigned long)fill;
	copy.len = page;
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_COPY, &copy));
	pthread_join(r.thread, NULL);
	EXPECT_EQ(0, r.ret);
	EXPECT_EQ(0, poll_change(fd, QUIET_MS))
		TH_LOG("the reader that finished last took the file back to older offsets");
	close(uffd);
	munmap(held, page);
	munmap(fill, page);
}

TEST_F(rtoff_step, readers_out_of_order_ioctl)
{
	readers_out_of_order(_metadata, self->fd, &self->clock.changed, false);
}

TEST_F(rtoff_step, readers_out_of_order_read)
{
	readers_out_of_order(_metadata, self->fd, &self->clock.changed, true);
}

/*
 * Bad input, one case per row of the table in
 * Documentation/userspace-api/realtime_offset.rst. Each call must give its
 * documented result, and lose nothing: with CAP_SYS_TIME the setup makes a
 * change that the file has not read yet, which only the calls that hand out
 * the offsets may mark as read; the offsets are the same afterwards.
 */
static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* munmap() that leaves errno alone, for the result of the call before it. */
static long unmap_keep_errno(long ret, void *addr, size_t len)
{
	int saved = errno;

	munmap(addr, len);
	errno = saved;
	return ret;
}

/* An address with nothing mapped at it, nor after it. */
static char *unmapped_address(void)
{
	char *p = mmap(NULL, page_size(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, page_size());
	return p;
}

/* Two pages, the second unmapped again: its start is returned. */
static char *page_before_hole(void)
{
	char *p = mmap(NULL, 2 * page_size(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + page_size(), page_size());
	return p + page_size();
}

static long bad_open_write_only(int fd)
{
	return open(RTOFF_DEV, O_WRONLY);
}

static long bad_open_read_write(int fd)
{
	return open(RTOFF_DEV, O_RDWR);
}

static long bad_write(int fd)
{
	return write(fd, "0\n", 2);
}

static long bad_read_zero_bytes(int fd)
{
	char line[64];

	return read(fd, line, 0);
}

static long bad_read_non_blocking(int fd)
{
	char c;

	if (fcntl(fd, F_SETFL, O_NONBLOCK))
		return -1;
	return read(fd, &c, 1);
}

/* Past the libc wrapper, whose buffer is declared never NULL. */
static long bad_read_null(int fd)
{
	return syscall(SYS_read, fd, NULL, 64);
}

static long bad_read_unmapped(int fd)
{
	return read(fd, unmapped_address(), 64);
}

static long bad_read_read_only_buffer(int fd)
{
	void *p = mmap(NULL, page_size(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -2;
	return unmap_keep_errno(read(fd, p, 64), p, page_size());
}

/* The 8 bytes that fit, then the rest of the same line at the next read. */
static long bad_read_up_to_a_hole(int fd)
{
	char *hole = page_before_hole(), line[64];
	int64_t value;
	ssize_t n, rest;

	if (!hole)
		return -2;
	/* The copy may stop short of the hole: what it wrote, the read counts. */
	n = read(fd, hole - 8, 64);
	if (n > 0 && n <= 8) {
		memcpy(line, hole - 8, n);
		rest = read(fd, line + n, sizeof(line) - n);
		if (rest <= 0 || parse_line(line, n + rest, &value))
			n = -2;
	}
	return unmap_keep_errno(n, hole - page_size(), page_size());
}

static long bad_pread_negative(int fd)
{
	char line[64];

	return pread(fd, line, sizeof(line), -1);
}

static long bad_pread_far(int fd)
{
	char line[64];

	return pread(fd, line, sizeof(line), 1LL << 40);
}

static long bad_pread_overflow(int fd)
{
	char line[64];

	return pread(fd, line, sizeof(line), INT64_MAX - 8);
}

static long bad_lseek_negative(int fd)
{
	return lseek(fd, -1, SEEK_SET);
}

static long bad_lseek_far(int fd)
{
	char line[64];

	if (lseek(fd, 1LL << 40, SEEK_SET) != 1LL << 40)
		return -2;
	return read(fd, line, sizeof(line));
}

static long bad_lseek_bad_whence(int fd)
{
	return lseek(fd, 0, 42);
}

static long bad_ioctl_other_number(int fd)
{
	struct rtoff_offsets o;

	return ioctl(fd, _IOR(RTOFF_IOC_MAGIC, 0x12, struct rtoff_offsets), &o);
}

static long bad_ioctl_smaller_size(int fd)
{
	struct rtoff_offsets o;

	return ioctl(fd, _IOR(RTOFF_IOC_MAGIC, 0x10, __u64), &o);
}

/*
 * A program built with a later header passes a larger structure: the kernel
 * fills what it knows, zeroes the rest and says how much it filled.
 */
struct rtoff_offsets_later {
	struct rtoff_offsets offsets;
	__u64 more[8];
};

static long bad_ioctl_larger_size(int fd)
{
	struct rtoff_offsets_later o;
	size_t i;

	memset(&o, 0xa5, sizeof(o));
	if (ioctl(fd, _IOR(RTOFF_IOC_MAGIC, 0x10, struct rtoff_offsets_later), &o))
		return -1;
	for (i = 0; i < ARRAY_SIZE(o.more); i++)
		if (o.more[i])
			return -2;
	return o.offsets.size == sizeof(o.offsets) && !o.offsets.reserved ? 0 : -2;
}

static long bad_ioctl_other_direction(int fd)
{
	struct rtoff_offsets o = {};

	return ioctl(fd, _IOW(RTOFF_IOC_MAGIC, 0x10, struct rtoff_offsets), &o);
}

static long bad_ioctl_no_argument(int fd)
{
	return ioctl(fd, _IO(RTOFF_IOC_MAGIC, 0x10));
}

static long bad_ioctl_tty_command(int fd)
{
	struct rtoff_offsets o;

	return ioctl(fd, TCGETS, &o);
}

static long bad_ioctl_null(int fd)
{
	return ioctl(fd, RTOFF_IOC_GET_OFFSETS, NULL);
}

static long bad_ioctl_unmapped(int fd)
{
	return ioctl(fd, RTOFF_IOC_GET_OFFSETS, unmapped_address());
}

static long bad_ioctl_read_only_buffer(int fd)
{
	void *p = mmap(NULL, page_size(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -2;
	return unmap_keep_errno(ioctl(fd, RTOFF_IOC_GET_OFFSETS, p), p, page_size());
}

static long bad_ioctl_up_to_a_hole(int fd)
{
	char *hole = page_before_hole();

	if (!hole)
		return -2;
	return unmap_keep_errno(ioctl(fd, RTOFF_IOC_GET_OFFSETS, hole - 8),
				hole - page_size(), page_size());
}

static long bad_ioctl_kernel_address(int fd)
{
	return ioctl(fd, RTOFF_IOC_GET_OFFSETS, ~0UL << 47);
}

/* The ioctl takes no input: what the buffer held is overwritten, zeros included. */
static long bad_ioctl_garbage_in_reserved(int fd)
{
	struct rtoff_offsets o;

	if (get_offsets(fd, &o))
		return -1;
	if (o.reserved || o.size != sizeof(o))
		return -2;
	return 0;
}

static long map(int fd, size_t len, int prot, int flags, off_t offset)
{
	void *p = mmap(NULL, len, prot, flags, fd, offset);

	return p == MAP_FAILED ? -1 : unmap_keep_errno(0, p, len);
}

static long bad_mmap_private_writable(int fd)
{
	return map(fd, page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
}

static long bad_mmap_shared_writable(int fd)
{
	return map(fd, page_size(), PROT_READ | PROT_WRITE, MAP_SHARED, 0);
}

static long bad_mmap_executable(int fd)
{
	return map(fd, page_size(), PROT_READ | PROT_EXEC, MAP_SHARED, 0);
}

static long bad_mmap_offset(int fd)
{
	return map(fd, page_size(), PROT_READ, MAP_SHARED, page_size());
}

static long bad_mmap_two_pages(int fd)
{
	return map(fd, 2 * page_size(), PROT_READ, MAP_SHARED, 0);
}

static long reprotect(int fd, int prot)
{
	void *p = mmap(NULL, page_size(), PROT_READ, MAP_PRIVATE, fd, 0);

	if (p == MAP_FAILED)
		return -2;
	return unmap_keep_errno(mprotect(p, page_size(), prot), p, page_size());
}

static long bad_mprotect_writable(int fd)
{
	return reprotect(fd, PROT_READ | PROT_WRITE);
}

static long bad_mprotect_executable(int fd)
{
	return reprotect(fd, PROT_READ | PROT_EXEC);
}

static long bad_history_null(int fd)
{
	return ioctl(fd, RTOFF_IOC_GET_HISTORY, NULL);
}

static long bad_history_null_entries(int fd)
{
	return get_history(fd, NULL, 4, sizeof(struct rtoff_change));
}

static long bad_history_read_only_entries(int fd)
{
	void *p = mmap(NULL, page_size(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -2;
	return unmap_keep_errno(get_history(fd, p, 4, sizeof(struct rtoff_change)),
				p, page_size());
}

static long bad_history_entries_up_to_a_hole(int fd)
{
	char *hole = page_before_hole();

	if (!hole)
		return -2;
	/* Room for one entry before the hole; there are more to copy. */
	return unmap_keep_errno(get_history(fd, hole - sizeof(struct rtoff_change),
					    2, sizeof(struct rtoff_change)),
				hole - page_size(), page_size());
}

static long bad_history_small_entry(int fd)
{
	struct rtoff_change entries[2];

	return get_history(fd, entries, 2, sizeof(entries[0]) - 8);
}

static long bad_history_huge_entry(int fd)
{
	struct rtoff_change entries[2];

	return get_history(fd, entries, 2, 2 * page_size());
}

static long bad_history_garbage_in_reserved(int fd)
{
	struct rtoff_change entries[2];
	struct rtoff_history hist = {
		.entries = (__u64)(unsigned long)entries,
		.count = 2,
		.entry_size = sizeof(entries[0]),
		.reserved = { 0, 1 },
	};

	return ioctl(fd, RTOFF_IOC_GET_HISTORY, &hist);
}

static long bad_history_zero_count(int fd)
{
	return get_history(fd, NULL, 0, sizeof(struct rtoff_change));
}

/* Entries of a later, larger layout: each filled, its tail zeroed. */
static long bad_history_larger_entry(int fd)
{
	struct {
		struct rtoff_change change;
		__u64 more[2];
	} entries[3];
	long i, n;

	memset(entries, 0xa5, sizeof(entries));
	n = get_history(fd, entries, 3, sizeof(entries[0]));
	for (i = 0; i < n; i++)
		if (entries[i].more[0] || entries[i].more[1] || entries[i].change.reserved ||
		    !entries[i].change.cause)
			return -2;
	return n > 0 ? 0 : -2;
}

static long bad_mremap_grow(int fd)
{
	void *p = mmap(NULL, page_size(), PROT_READ, MAP_SHARED, fd, 0), *q;

	if (p == MAP_FAILED)
		return -2;
	q = mremap(p, page_size(), 2 * page_size(), MREMAP_MAYMOVE);
	if (q != MAP_FAILED) {
		munmap(q, 2 * page_size());
		return 0;
	}
	return unmap_keep_errno(-1, p, page_size());
}

FIXTURE(bad_input) {
	int fd;
	struct saved_clock clock;
	__u64 changes;		/* after the setup's change */
};

/*
 * @call returns what the system call did: -1 with errno, or a count; -2 when
 * the test itself could not set the call up.
 */
FIXTURE_VARIANT(bad_input) {
	long (*call)(int fd);
	int error;		/* errno, or 0: the call returns @ret */
	long ret;
	long ret_min;		/* if set, the call returns @ret_min to @ret */
	bool marks_read;	/* hands out the offsets: marks them as read */
};

FIXTURE_SETUP(bad_input)
{
	struct rtoff_offsets now;
	int other, ret;

	self->clock.changed = false;
	self->fd = open(RTOFF_DEV, O_RDONLY);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s does not exist: load realtime_offset", RTOFF_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RTOFF_DEV, strerror(errno));
	ASSERT_EQ(0, save_clock(self->fd, &self->clock));

	/* A change this file has not read; without CAP_SYS_TIME, none. */
	ret = step_by(1);
	if (ret != EPERM) {
		ASSERT_EQ(0, ret);
		self->clock.changed = true;
	}
	other = open(RTOFF_DEV, O_RDONLY);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, get_offsets(other, &now));
	close(other);
	self->changes = now.changes;
}

FIXTURE_TEARDOWN(bad_input)
{
	if (self->fd < 0)
		return;
	EXPECT_EQ(0, restore_clock(self->fd, &self->clock));
	close(self->fd);
}

FIXTURE_VARIANT_ADD(bad_input, open_write_only) {
	.call = bad_open_write_only, .error = EACCES,
};

FIXTURE_VARIANT_ADD(bad_input, open_read_write) {
	.call = bad_open_read_write, .error = EACCES,
};

FIXTURE_VARIANT_ADD(bad_input, write) {
	.call = bad_write, .error = EBADF,
};

FIXTURE_VARIANT_ADD(bad_input, read_zero_bytes) {
	.call = bad_read_zero_bytes, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad_input, read_non_blocking) {
	.call = bad_read_non_blocking, .ret = 1, .marks_read = true,
};

FIXTURE_VARIANT_ADD(bad_input, read_null) {
	.call = bad_read_null, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, read_unmapped) {
	.call = bad_read_unmapped, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, read_read_only_buffer) {
	.call = bad_read_read_only_buffer, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, read_up_to_a_hole) {
	.call = bad_read_up_to_a_hole, .ret = 8, .ret_min = 1, .marks_read = true,
};

FIXTURE_VARIANT_ADD(bad_input, pread_negative) {
	.call = bad_pread_negative, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, pread_far) {
	.call = bad_pread_far, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad_input, pread_overflow) {
	.call = bad_pread_overflow, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, lseek_negative) {
	.call = bad_lseek_negative, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, lseek_far) {
	.call = bad_lseek_far, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad_input, lseek_bad_whence) {
	.call = bad_lseek_bad_whence, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_other_number) {
	.call = bad_ioctl_other_number, .error = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_smaller_size) {
	.call = bad_ioctl_smaller_size, .error = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_larger_size) {
	.call = bad_ioctl_larger_size, .ret = 0, .marks_read = true,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_other_direction) {
	.call = bad_ioctl_other_direction, .error = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_no_argument) {
	.call = bad_ioctl_no_argument, .error = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_tty_command) {
	.call = bad_ioctl_tty_command, .error = ENOTTY,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_null) {
	.call = bad_ioctl_null, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_unmapped) {
	.call = bad_ioctl_unmapped, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_read_only_buffer) {
	.call = bad_ioctl_read_only_buffer, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_up_to_a_hole) {
	.call = bad_ioctl_up_to_a_hole, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_kernel_address) {
	.call = bad_ioctl_kernel_address, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, ioctl_garbage_in_reserved) {
	.call = bad_ioctl_garbage_in_reserved, .ret = 0, .marks_read = true,
};

FIXTURE_VARIANT_ADD(bad_input, history_null) {
	.call = bad_history_null, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, history_null_entries) {
	.call = bad_history_null_entries, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, history_read_only_entries) {
	.call = bad_history_read_only_entries, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, history_entries_up_to_a_hole) {
	.call = bad_history_entries_up_to_a_hole, .error = EFAULT,
};

FIXTURE_VARIANT_ADD(bad_input, history_small_entry) {
	.call = bad_history_small_entry, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, history_huge_entry) {
	.call = bad_history_huge_entry, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, history_garbage_in_reserved) {
	.call = bad_history_garbage_in_reserved, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, history_zero_count) {
	.call = bad_history_zero_count, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad_input, history_larger_entry) {
	.call = bad_history_larger_entry, .ret = 0,
};

FIXTURE_VARIANT_ADD(bad_input, mmap_private_writable) {
	.call = bad_mmap_private_writable, .error = EPERM,
};

FIXTURE_VARIANT_ADD(bad_input, mmap_shared_writable) {
	.call = bad_mmap_shared_writable, .error = EACCES,
};

FIXTURE_VARIANT_ADD(bad_input, mmap_executable) {
	.call = bad_mmap_executable, .error = EPERM,
};

FIXTURE_VARIANT_ADD(bad_input, mmap_offset) {
	.call = bad_mmap_offset, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, mmap_two_pages) {
	.call = bad_mmap_two_pages, .error = EINVAL,
};

FIXTURE_VARIANT_ADD(bad_input, mprotect_writable) {
	.call = bad_mprotect_writable, .error = EACCES,
};

FIXTURE_VARIANT_ADD(bad_input, mprotect_executable) {
	.call = bad_mprotect_executable, .error = EACCES,
};

FIXTURE_VARIANT_ADD(bad_input, mremap_grow) {
	.call = bad_mremap_grow, .error = EFAULT,
};

TEST_F(bad_input, documented)
{
	struct rtoff_offsets after;
	long ret;

	errno = 0;
	ret = variant->call(self->fd);
	ASSERT_NE(-2, ret) TH_LOG("setting the call up: %s", strerror(errno));
	if (variant->error) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(variant->error, errno) TH_LOG("%s", strerror(errno));
	} else if (variant->ret_min) {
		EXPECT_LE(variant->ret_min, ret) TH_LOG("%s", strerror(errno));
		EXPECT_GE(variant->ret, ret);
	} else {
		EXPECT_EQ(variant->ret, ret) TH_LOG("%s", strerror(errno));
	}

	if (self->clock.changed)
		EXPECT_EQ(!variant->marks_read, !!poll_change(self->fd, 0))
			TH_LOG("the change is %s", variant->marks_read ?
			       "still reported" : "lost");
	ASSERT_EQ(0, get_offsets(self->fd, &after));
	EXPECT_EQ(self->changes, after.changes);
	EXPECT_EQ(0, after.reserved);
}

TEST_HARNESS_MAIN
