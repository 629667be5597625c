// SPDX-License-Identifier: GPL-2.0
/*
 * Stress for /dev/realtime_offset: on every CPU, one reader per interface
 * (read() in pieces, pread(), the ioctl, the mapped page, the history from
 * the page and through its ioctl, and poll()) while one
 * thread steps CLOCK_REALTIME back and forth between two known states and
 * another changes the NTP frequency. Every value seen must be one of the two
 * states, seq must never go back nor run ahead of the steps, every syscall
 * must succeed, and every change must wake the poller. Prints the counts.
 *
 * Runs for RTOFF_STRESS_SECONDS (default 20, at most 3600) and needs
 * CAP_SYS_TIME; the clock and NTP state are put back afterwards.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/realtime_offset.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/timex.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rtoff.h"
#include "rtoff_test.h"

#define STEP_NS		(NSEC_PER_SEC + 7)
#define STEP_GAP_US	500
/*
 * Every PAUSE_EVERY steps a pause, in which a lost wakeup cannot hide; an odd
 * count, so that the pauses follow odd and even seq alike.
 */
#define PAUSE_EVERY	49
#define PAUSE_US	2500000
#define SLEW_GAP_US	1000
#define POLL_MS		3000
/*
 * A change this long done and not reported by poll() is a missed wakeup: a
 * bound of seconds, that only a lost wakeup reaches, never a slow one. The
 * pauses are longer, so that a lost wakeup cannot hide behind the next step.
 */
#define WAKE_LIMIT_NS	(2 * NSEC_PER_SEC)
#define RING		65536

enum iface { IF_READ, IF_PREAD, IF_IOCTL, IF_MMAP, IF_HISTORY, IF_POLL, IF_COUNT };

static const char * const iface_name[IF_COUNT] = {
	"read", "pread", "ioctl", "mmap", "history", "poll",
};

/* What every thread shares. */
struct shared {
	struct rtoff_offsets states[2];	/* [0]: at the start, [1]: stepped */
	atomic_bool stop;
	atomic_long steps_started;
	atomic_long steps;
	atomic_long slews;
	atomic_int error;		/* the first unexpected errno, if any */
	/* When step k was done (CLOCK_MONOTONIC): done[k % RING] == k. */
	atomic_long done[RING];
	atomic_llong done_at[RING];
};

struct counts {
	long reads;
	long changes;		/* reads that saw another state */
	long bad;		/* torn or impossible values */
	long errors;		/* unexpected errno */
	long wakeups;
	long timeouts;
	long missed;		/* changes poll() did not report */
	long spurious;		/* poll() ready with nothing changed */
	long long worst_wake_ns;	/* from a step to poll() returning */
};

struct reader {
	struct shared *sh;
	enum iface iface;
	int cpu;
	int fd;
	const struct rtoff_page *page;
	pthread_t thread;
	__u64 last_seq;		/* ioctl, page and poll readers */
	int64_t last_value;	/* text readers */
	struct counts n;
	char first_bad[128];
};

static void note_bad(struct reader *r, long *counter, const char *what,
		     long long value)
{
	if (!r->n.bad && !r->n.errors && !r->n.missed && !r->n.spurious)
		snprintf(r->first_bad, sizeof(r->first_bad), "%s on CPU %d: %s %lld",
			 iface_name[r->iface], r->cpu, what, value);
	(*counter)++;
}

/* A triple from the ioctl or the page: one of the states, seq telling which. */
static void check_offsets(struct reader *r, const struct rtoff_offsets *o)
{
	struct shared *sh = r->sh;
	__u64 k = o->changes - sh->states[0].changes;

	if (o->changes < r->last_seq)
		note_bad(r, &r->n.bad, "seq went back to", o->changes);
	else if (k > (__u64)atomic_load(&sh->steps_started))
		note_bad(r, &r->n.bad, "seq ahead of the steps:", o->changes);
	else if (!same_offsets(o, &sh->states[k & 1]))
		note_bad(r, &r->n.bad, "torn, realtime_ns", o->realtime_ns);
	else if (o->reserved)
		note_bad(r, &r->n.bad, "reserved not zero, seq", o->changes);
	r->n.changes += o->changes != r->last_seq;
	r->last_seq = o->changes;
}

/* A line of text: the realtime offset of one of the states. */
static void check_text(struct reader *r, const char *line, size_t len)
{
	const struct rtoff_offsets *states = r->sh->states;
	int64_t value;

	if (parse_line(line, len, &value)) {
		note_bad(r, &r->n.bad, "not a line, length", len);
		return;
	}
	if (value != states[0].realtime_ns && value != states[1].realtime_ns) {
		note_bad(r, &r->n.bad, "neither state: realtime_ns", value);
		return;
	}
	r->n.changes += value != r->last_value;
	r->last_value = value;
}

static void note_errno(struct reader *r, const char *call)
{
	int expected = 0;

	atomic_compare_exchange_strong(&r->sh->error, &expected, errno);
	note_bad(r, &r->n.errors, call, errno);
}

static void read_text(struct reader *r)
{
	char line[64];
	size_t got = 0;
	ssize_t n;

	/* In pieces of 5 bytes: the line must still be one snapshot. */
	if (lseek(r->fd, 0, SEEK_SET)) {
		note_errno(r, "lseek, errno");
		return;
	}
	while ((n = read(r->fd, line + got, 5)) > 0 && got + n < sizeof(line) - 5)
		got += n;
	if (n < 0)
		note_errno(r, "read, errno");
	else
		check_text(r, line, got);
}

static void pread_text(struct reader *r)
{
	char line[64];
	ssize_t n = pread(r->fd, line, sizeof(line), 0);

	if (n < 0)
		note_errno(r, "pread, errno");
	else
		check_text(r, line, n);
}

static void read_ioctl(struct reader *r)
{
	struct rtoff_offsets o;

	if (get_offsets(r->fd, &o))
		note_errno(r, "ioctl, errno");
	else
		check_offsets(r, &o);
}

static void read_mapped(struct reader *r)
{
	struct rtoff_offsets o;

	rtoff_read_page(r->page, &o);
	check_offsets(r, &o);
}

/*
 * The history, from the page and through the ioctl in turn, newest first:
 * each entry since the start one of the two states, with changes telling
 * which, made by a step, one change after the next older and not before it;
 * the newest never older than the last the reader saw.
 */
static void read_history(struct reader *r)
{
	struct shared *sh = r->sh;
	struct rtoff_change e[RTOFF_HISTORY_LEN];
	struct rtoff_offsets o = {};
	long n, i;
	__u64 k;

	if (r->n.reads & 1) {
		n = get_history(r->fd, e, RTOFF_HISTORY_LEN, sizeof(e[0]));
		if (n < 0) {
			note_errno(r, "history ioctl, errno");
			return;
		}
	} else {
		__u64 count;
		__u32 seq;

		do {
			seq = rtoff_read_begin(r->page);
			count = r->page->history_count;
			n = count < RTOFF_HISTORY_LEN ? count : RTOFF_HISTORY_LEN;
			for (i = 0; i < n; i++)
				e[i] = r->page->history[(count - 1 - i) % RTOFF_HISTORY_LEN];
		} while (rtoff_read_retry(r->page, seq));
	}

	for (i = 0; i < n; i++) {
		k = e[i].changes - sh->states[0].changes;
		if ((__s64)k < 0)
			break;		/* from before the stress */
		o.realtime_ns = e[i].realtime_ns;
		o.boottime_ns = e[i].boottime_ns;
		o.tai_ns = e[i].tai_ns;
		if (k > (__u64)atomic_load(&sh->steps_started))
			note_bad(r, &r->n.bad, "history ahead of the steps:", e[i].changes);
		else if (!same_offsets(&o, &sh->states[k & 1]))
			note_bad(r, &r->n.bad, "torn history entry, realtime_ns", e[i].realtime_ns);
		else if (k && e[i].cause != RTOFF_CAUSE_STEP)
			note_bad(r, &r->n.bad, "history entry not a step, cause", e[i].cause);
		else if (i && e[i].changes + 1 != e[i - 1].changes)
			note_bad(r, &r->n.bad, "history entries apart, changes", e[i].changes);
		else if (i && e[i].mono_ns > e[i - 1].mono_ns)
			note_bad(r, &r->n.bad, "history instants go back at", e[i].changes);
	}
	if (!n) {
		note_bad(r, &r->n.bad, "empty history", 0);
		return;
	}
	if (e[0].changes < r->last_seq)
		note_bad(r, &r->n.bad, "history went back to", e[0].changes);
	r->n.changes += e[0].changes != r->last_seq;
	r->last_seq = e[0].changes;
}

/*
 * Mark the offsets read, then wait for the next change: poll() must return
 * within WAKE_LIMIT_NS of the next step, or of being called if that step was
 * done already. Steps that follow within the limit would hide a lost wakeup;
 * the stepper's pauses leave it nowhere to hide.
 */
static void wait_change(struct reader *r)
{
	struct shared *sh = r->sh;
	struct rtoff_offsets o, now;
	long long k, since, late;
	int ret;

	if (get_offsets(r->fd, &o)) {
		note_errno(r, "ioctl, errno");
		return;
	}
	check_offsets(r, &o);
	since = clock_ns(CLOCK_MONOTONIC);
	ret = poll_change(r->fd, POLL_MS);
	late = clock_ns(CLOCK_MONOTONIC);
	if (ret < 0) {
		note_errno(r, "poll, errno");
		return;
	}

	k = o.changes - sh->states[0].changes + 1;
	if (atomic_load(&sh->done[k % RING]) == k) {
		if (atomic_load(&sh->done_at[k % RING]) > since)
			since = atomic_load(&sh->done_at[k % RING]);
		late -= since;
		if (late > WAKE_LIMIT_NS)
			note_bad(r, &r->n.missed, "no wakeup within the limit for step", k);
		if (ret && late > r->n.worst_wake_ns)
			r->n.worst_wake_ns = late;
	}

	if (!ret) {
		r->n.timeouts++;
		return;
	}
	r->n.wakeups++;
	if (get_offsets(r->fd, &now))
		note_errno(r, "ioctl, errno");
	else if (now.changes == o.changes)
		note_bad(r, &r->n.spurious, "woken without a change, seq", o.changes);
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(r->cpu, &cpus);
	if (pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus))
		note_errno(r, "pinning, errno");
	r->last_seq = r->sh->states[0].changes;
	r->last_value = r->sh->states[0].realtime_ns;

	while (!atomic_load(&r->sh->stop)) {
		switch (r->iface) {
		case IF_READ:
			read_text(r);
			break;
		case IF_PREAD:
			pread_text(r);
			break;
		case IF_IOCTL:
			read_ioctl(r);
			break;
		case IF_MMAP:
			read_mapped(r);
			break;
		case IF_HISTORY:
			read_history(r);
			break;
		default:
			wait_change(r);
			break;
		}
		r->n.reads++;
	}
	return NULL;
}

/* Back and forth between the two states; always ends on the first. */
static void *stepper_main(void *arg)
{
	struct shared *sh = arg;
	long k = 0;
	int ret, expected = 0;

	while (!atomic_load(&sh->stop) || (k & 1)) {
		atomic_store(&sh->steps_started, k + 1);
		ret = step_by(k & 1 ? -STEP_NS : STEP_NS);
		if (ret) {
			atomic_compare_exchange_strong(&sh->error, &expected, ret);
			break;
		}
		k++;
		atomic_store(&sh->done_at[k % RING], clock_ns(CLOCK_MONOTONIC));
		atomic_store(&sh->done[k % RING], k);
		atomic_store(&sh->steps, k);
		usleep(k % PAUSE_EVERY ? STEP_GAP_US : PAUSE_US);
	}
	return NULL;
}

/* NTP frequency changes slew the clocks alike: they must move no offset. */
static void *slewer_main(void *arg)
{
	struct shared *sh = arg;
	struct timex tx = { .modes = ADJ_FREQUENCY };
	unsigned int seed = 1;
	int expected = 0;

	while (!atomic_load(&sh->stop)) {
		tx.freq = ((long)(rand_r(&seed) % 1001) - 500) * 65536;	/* ppm */
		if (adjtimex(&tx) < 0) {
			atomic_compare_exchange_strong(&sh->error, &expected, errno);
			break;
		}
		atomic_fetch_add(&sh->slews, 1);
		usleep(SLEW_GAP_US);
	}
	return NULL;
}

FIXTURE(stress) {
	int fd;
	struct saved_clock clock;
	struct shared *sh;
};

FIXTURE_SETUP(stress)
{
	self->clock.changed = false;
	self->sh = NULL;
	self->fd = open(RTOFF_DEV, O_RDONLY);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s does not exist: load realtime_offset", RTOFF_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RTOFF_DEV, strerror(errno));
	ASSERT_EQ(0, save_clock(self->fd, &self->clock));
	self->sh = calloc(1, sizeof(*self->sh));
	ASSERT_NE(NULL, self->sh);
}

FIXTURE_TEARDOWN(stress)
{
	free(self->sh);
	if (self->fd < 0)
		return;
	EXPECT_EQ(0, restore_clock(self->fd, &self->clock));
	close(self->fd);
}

static long seconds(void)
{
	const char *env = getenv("RTOFF_STRESS_SECONDS");
	long s = env ? strtol(env, NULL, 10) : 20;

	return s >= 1 && s <= 3600 ? s : -1;
}

static void add_counts(struct counts *sum, const struct counts *n)
{
	sum->reads += n->reads;
	sum->changes += n->changes;
	sum->bad += n->bad;
	sum->errors += n->errors;
	sum->wakeups += n->wakeups;
	sum->timeouts += n->timeouts;
	sum->missed += n->missed;
	sum->spurious += n->spurious;
	if (n->worst_wake_ns > sum->worst_wake_ns)
		sum->worst_wake_ns = n->worst_wake_ns;
}

TEST_F_TIMEOUT(stress, readers_steps_and_slews, 3700)
{
	struct shared *sh = self->sh;
	pthread_t stepper, slewer;
	struct counts sums[IF_COUNT] = {};
	struct reader *readers;
	long duration = seconds();
	int cpus, n, i, ret;
	enum iface iface;

	ASSERT_LT(0, duration) TH_LOG("RTOFF_STRESS_SECONDS: 1 to 3600");
	ret = step_by(0);
	if (ret == EPERM)
		SKIP(return, "stepping CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	self->clock.changed = true;

	ASSERT_EQ(0, get_offsets(self->fd, &sh->states[0]));
	sh->states[1] = sh->states[0];
	sh->states[1].realtime_ns += STEP_NS;
	sh->states[1].tai_ns += STEP_NS;

	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_LT(0, cpus);
	n = cpus * IF_COUNT;
	readers = calloc(n, sizeof(*readers));
	ASSERT_NE(NULL, readers);
	for (i = 0; i < n; i++) {
		struct reader *r = &readers[i];

		*r = (struct reader){ .sh = sh, .cpu = i / IF_COUNT, .iface = i % IF_COUNT };
		r->fd = open(RTOFF_DEV, O_RDONLY);
		ASSERT_LE(0, r->fd);
		if (r->iface == IF_MMAP || r->iface == IF_HISTORY) {
			r->page = map_page(r->fd);
			ASSERT_NE(NULL, r->page);
		}
		ASSERT_EQ(0, pthread_create(&r->thread, NULL, reader_main, r));
	}
	ASSERT_EQ(0, pthread_create(&stepper, NULL, stepper_main, sh));
	ASSERT_EQ(0, pthread_create(&slewer, NULL, slewer_main, sh));

	sleep(duration);
	atomic_store(&sh->stop, true);
	pthread_join(stepper, NULL);
	pthread_join(slewer, NULL);
	for (i = 0; i < n; i++) {
		pthread_join(readers[i].thread, NULL);
		if (readers[i].page)
			munmap((void *)readers[i].page, sysconf(_SC_PAGESIZE));
		close(readers[i].fd);
	}

	ksft_print_msg("%ld s on %d CPUs: %ld steps, %ld frequency changes\n",
		       duration, cpus, atomic_load(&sh->steps), atomic_load(&sh->slews));
	for (i = 0; i < n; i++)
		add_counts(&sums[readers[i].iface], &readers[i].n);
	for (iface = 0; iface < IF_COUNT; iface++) {
		const struct counts *c = &sums[iface];

		ksft_print_msg("%-5s %9ld reads, %7ld changes seen, %ld bad, %ld errors",
			       iface_name[iface], c->reads, c->changes, c->bad, c->errors);
		if (iface == IF_POLL) {
			printf(", %ld wakeups (slowest %.1f ms)", c->wakeups,
			       c->worst_wake_ns / 1e6);
			printf(", %ld timeouts, %ld missed, %ld spurious", c->timeouts,
			       c->missed, c->spurious);
		}
		printf("\n");
		/* A reader that never met a step proved nothing. */
		EXPECT_LT(0, c->changes) TH_LOG("%s saw no change", iface_name[iface]);
		EXPECT_EQ(0, c->bad + c->errors + c->missed + c->spurious);
	}
	for (i = 0; i < n; i++)
		if (readers[i].first_bad[0])
			TH_LOG("first: %s", readers[i].first_bad);
	EXPECT_EQ(0, atomic_load(&sh->error)) TH_LOG("%s", strerror(atomic_load(&sh->error)));
	EXPECT_LT(0, atomic_load(&sh->slews));
	free(readers);
}

TEST_HARNESS_MAIN
