// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for /dev/realtime_offset: the values against the clocks, the text and
 * ioctl interfaces, poll and epoll across every kind of clock change, clock
 * steps under load and time namespaces.
 *
 * The step tests change CLOCK_REALTIME, the TAI offset, NTP state or suspend
 * the machine, and put the clock back in their teardown.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/realtime_offset.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rtoff.h"
#include "rtoff_test.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

static int set_realtime_ns(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	return clock_settime(CLOCK_REALTIME, &ts);
}

/* A fresh value: pread() at position 0 always takes a new snapshot. */
static int read_offset(int fd, int64_t *value)
{
	char line[64];
	ssize_t len;

	len = pread(fd, line, sizeof(line), 0);
	if (len < 0)
		return -1;
	return parse_line(line, len, value);
}

/*
 * With m1 = MONOTONIC, r = REALTIME, m2 = MONOTONIC read in that order, the
 * offset at the instant of r lies in [r - m2, r - m1].
 */
struct window {
	int64_t lo;
	int64_t hi;
};

static struct window offset_window(void)
{
	int64_t m1 = clock_ns(CLOCK_MONOTONIC);
	int64_t r = clock_ns(CLOCK_REALTIME);
	int64_t m2 = clock_ns(CLOCK_MONOTONIC);

	return (struct window){ .lo = r - m2, .hi = r - m1 };
}

/* The windows of all three offsets, as offset_window() does for one. */
static void offsets_window(struct window w[3])
{
	static const clockid_t clocks[] = {
		CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_TAI,
	};
	int64_t m1, t, m2;
	int i;

	for (i = 0; i < 3; i++) {
		m1 = clock_ns(CLOCK_MONOTONIC);
		t = clock_ns(clocks[i]);
		m2 = clock_ns(CLOCK_MONOTONIC);
		w[i] = (struct window){ .lo = t - m2, .hi = t - m1 };
	}
}

FIXTURE(rtoff) {
	int fd;
};

FIXTURE_SETUP(rtoff)
{
	self->fd = open(RTOFF_DEV, O_RDONLY);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s does not exist: load realtime_offset", RTOFF_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RTOFF_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(rtoff)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(rtoff, node_and_format)
{
	char line[64];
	struct stat st;
	int64_t value;
	ssize_t len;

	ASSERT_EQ(0, stat(RTOFF_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0444, st.st_mode & 07777);

	len = read(self->fd, line, sizeof(line));
	ASSERT_LT(0, len);
	EXPECT_EQ(0, parse_line(line, len, &value))
		TH_LOG("not one integer and a newline: '%.*s'", (int)len, line);
}

TEST_F(rtoff, sandwich)
{
	struct window w;
	int64_t value;
	int i;

	for (i = 0; i < 1000; i++) {
		w = offset_window();
		ASSERT_EQ(0, read_offset(self->fd, &value));
		ASSERT_LE(w.lo, value);
		ASSERT_GE(w.hi, value);
	}
}

TEST_F(rtoff, short_reads_rebuild_line)
{
	char line[64], pieces[64];
	size_t chunk, len, got;
	ssize_t n;

	for (chunk = 1; chunk <= RTOFF_LINE_MAX + 1; chunk++) {
		n = pread(self->fd, line, sizeof(line), 0);
		ASSERT_LT(0, n);
		len = n;

		ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
		got = 0;
		while ((n = read(self->fd, pieces + got, chunk)) > 0) {
			ASSERT_GE(chunk, n);
			got += n;
			ASSERT_GE(RTOFF_LINE_MAX, got);
		}
		ASSERT_EQ(0, n);
		ASSERT_EQ(len, got) TH_LOG("chunk %zu", chunk);
		ASSERT_EQ(0, memcmp(line, pieces, len)) TH_LOG("chunk %zu", chunk);
	}
}

TEST_F(rtoff, read_loop_ends)
{
	char buf[4096];
	int reads = 0;
	ssize_t n;

	/* What cat does: read until 0. One line, then end of file, every time. */
	while ((n = read(self->fd, buf, sizeof(buf))) > 0)
		ASSERT_GT(2, ++reads);
	ASSERT_EQ(0, n);
	EXPECT_EQ(1, reads);
	EXPECT_EQ(0, read(self->fd, buf, sizeof(buf)));
}

TEST_F(rtoff, seek)
{
	char line[64], rest[64];
	ssize_t len, n;

	len = read(self->fd, line, sizeof(line));
	ASSERT_LT(3, len);

	ASSERT_EQ(3, lseek(self->fd, 3, SEEK_SET));
	n = read(self->fd, rest, sizeof(rest));
	ASSERT_EQ(len - 3, n);
	EXPECT_EQ(0, memcmp(line + 3, rest, n));

	ASSERT_EQ(0, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(len, read(self->fd, rest, sizeof(rest)));

	EXPECT_EQ(-1, lseek(self->fd, -1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
}

static int write_timens_offset(clockid_t clock, int64_t ns)
{
	char text[64];
	int fd, len, ret;

	len = snprintf(text, sizeof(text), "%d %lld %lld\n", clock,
		       (long long)(ns / NSEC_PER_SEC), (long long)(ns % NSEC_PER_SEC));
	fd = open("/proc/self/timens_offsets", O_WRONLY);
	if (fd < 0)
		return -1;
	ret = write(fd, text, len) == len ? 0 : -1;
	close(fd);
	return ret;
}

/* What a child in the new time namespace sees, sent back through a pipe. */
struct timens_view {
	int64_t inherited_fd;
	int64_t own_fd;
	struct rtoff_offsets offsets;
	struct rtoff_offsets page;
	struct rtoff_offsets helper;
	struct window window[3];
};

static int timens_child(int inherited_fd, int pipe_fd)
{
	struct timens_view view;
	struct rtoff r;
	int fd;

	fd = open(RTOFF_DEV, O_RDONLY);
	if (fd < 0)
		return 1;

	/* The page as mapped, and as rtoff.h corrects it. */
	if (rtoff_open(&r) || !r.page || rtoff_read(&r, &view.helper))
		return 1;
	rtoff_read_page(r.page, &view.page);
	rtoff_close(&r);
	offsets_window(view.window);
	if (read_offset(inherited_fd, &view.inherited_fd) ||
	    read_offset(fd, &view.own_fd) || get_offsets(fd, &view.offsets))
		return 1;
	close(fd);
	return write(pipe_fd, &view, sizeof(view)) == sizeof(view) ? 0 : 1;
}

TEST_F(rtoff, time_namespace)
{
	const int64_t mono_shift = 3 * 86400 * NSEC_PER_SEC + 123456789;
	const int64_t boot_shift = 5 * 86400 * NSEC_PER_SEC + 987654321;
	struct rtoff_offsets host, host_after;
	struct timens_view view;
	int pipe_fd[2], status;
	pid_t pid;

	ASSERT_EQ(0, get_offsets(self->fd, &host));
	if (unshare(CLONE_NEWTIME)) {
		if (errno == EPERM)
			SKIP(return, "unshare(CLONE_NEWTIME) needs CAP_SYS_ADMIN");
		if (errno == EINVAL)
			SKIP(return, "kernel built without CONFIG_TIME_NS");
		ASSERT_EQ(0, errno);
	}
	ASSERT_EQ(0, write_timens_offset(CLOCK_MONOTONIC, mono_shift));
	ASSERT_EQ(0, write_timens_offset(CLOCK_BOOTTIME, boot_shift));
	ASSERT_EQ(0, pipe(pipe_fd));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(timens_child(self->fd, pipe_fd[1]));

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(sizeof(view), read(pipe_fd[0], &view, sizeof(view)));
	close(pipe_fd[0]);
	close(pipe_fd[1]);

	/* No step may fall in between, or the comparison below means nothing. */
	ASSERT_EQ(0, get_offsets(self->fd, &host_after));
	ASSERT_EQ(host.seq, host_after.seq);

	EXPECT_EQ(host.realtime_ns - mono_shift, view.inherited_fd);
	EXPECT_EQ(host.realtime_ns - mono_shift, view.own_fd);
	EXPECT_EQ(host.realtime_ns - mono_shift, view.offsets.realtime_ns);
	EXPECT_EQ(host.boottime_ns + boot_shift - mono_shift,
		  view.offsets.boottime_ns);
	EXPECT_EQ(host.tai_ns - mono_shift, view.offsets.tai_ns);
	EXPECT_EQ(host.seq, view.offsets.seq);
	/* The page holds the host's offsets, for all namespaces alike. */
	EXPECT_EQ(host.seq, view.page.seq);
	EXPECT_TRUE(same_offsets(&host, &view.page));
	/* rtoff.h corrects the page for the namespace, as documented. */
	EXPECT_TRUE(same_offsets(&view.offsets, &view.helper));
	EXPECT_LE(view.window[0].lo, view.offsets.realtime_ns);
	EXPECT_GE(view.window[0].hi, view.offsets.realtime_ns);
	EXPECT_LE(view.window[1].lo, view.offsets.boottime_ns);
	EXPECT_GE(view.window[1].hi, view.offsets.boottime_ns);
	EXPECT_LE(view.window[2].lo, view.offsets.tai_ns);
	EXPECT_GE(view.window[2].hi, view.offsets.tai_ns);
}

TEST_F(rtoff, ioctl_offsets)
{
	struct rtoff_offsets offsets, again;
	struct window w[3];
	int64_t text;
	size_t i;

	offsets_window(w);
	ASSERT_EQ(0, get_offsets(self->fd, &offsets));
	EXPECT_LE(w[0].lo, offsets.realtime_ns);
	EXPECT_GE(w[0].hi, offsets.realtime_ns);
	EXPECT_LE(w[1].lo, offsets.boottime_ns);
	EXPECT_GE(w[1].hi, offsets.boottime_ns);
	EXPECT_LE(w[2].lo, offsets.tai_ns);
	EXPECT_GE(w[2].hi, offsets.tai_ns);
	for (i = 0; i < ARRAY_SIZE(offsets.reserved); i++)
		EXPECT_EQ(0, offsets.reserved[i]);

	/* Without a step in between: same seq, same offsets, same text. */
	ASSERT_EQ(0, read_offset(self->fd, &text));
	ASSERT_EQ(0, get_offsets(self->fd, &again));
	ASSERT_EQ(offsets.seq, again.seq);
	EXPECT_TRUE(same_offsets(&offsets, &again));
	EXPECT_EQ(offsets.realtime_ns, text);
}

/*
 * Random commands and arguments, reproducible from the printed seed (set it
 * with RTOFF_SEED). Only pointers that cannot hurt this process are passed:
 * a command the VFS handles itself may write through its argument. Every call
 * must fail with a defined errno or be one the VFS serves, and the device must
 * work unchanged afterwards.
 */
TEST_F(rtoff, ioctl_fuzz)
{
	const long page = sysconf(_SC_PAGESIZE);
	struct rtoff_offsets before, after, *scratch;
	unsigned long args[5];
	long calls = 100000, failed = 0, succeeded = 0, i;
	unsigned int seed, cmd;
	char *readonly, *hole;
	const char *env;
	int ret;

	env = getenv("RTOFF_SEED");
	seed = env ? strtoul(env, NULL, 0) : (unsigned int)clock_ns(CLOCK_MONOTONIC);
	ksft_print_msg("ioctl fuzz: RTOFF_SEED=%u, %ld calls\n", seed, calls);
	srandom(seed);

	scratch = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	readonly = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, scratch);
	ASSERT_NE(MAP_FAILED, readonly);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole, page));
	args[0] = 0;
	args[1] = (unsigned long)scratch;
	args[2] = (unsigned long)readonly + page - 8;
	args[3] = (unsigned long)hole;
	args[4] = ~0UL << 47;				/* kernel space */

	ASSERT_EQ(0, get_offsets(self->fd, &before));
	for (i = 0; i < calls; i++) {
		/* Half the time our magic, so that size and direction get fuzzed. */
		cmd = random() ^ ((unsigned int)random() << 16);
		if (i & 1)
			cmd = (cmd & ~(0xffU << _IOC_TYPESHIFT)) |
			      (RTOFF_IOC_MAGIC << _IOC_TYPESHIFT);
		errno = 0;
		ret = ioctl(self->fd, cmd, args[random() % ARRAY_SIZE(args)]);
		if (!ret) {
			succeeded++;
			continue;
		}
		failed++;
		ASSERT_TRUE(errno == ENOTTY || errno == EFAULT || errno == EINVAL ||
			    errno == EPERM || errno == EBADF || errno == EOPNOTSUPP)
			TH_LOG("cmd %#x: %s (seed %u, call %ld)", cmd, strerror(errno), seed, i);
	}
	ksft_print_msg("ioctl fuzz: %ld failed, %ld served (by us or the VFS)\n",
		       failed, succeeded);

	ASSERT_EQ(0, get_offsets(self->fd, &after));
	EXPECT_EQ(before.seq, after.seq);
	EXPECT_TRUE(same_offsets(&before, &after));
	munmap(scratch, page);
	munmap(readonly, page);
}

/* Without privileges the device is readable, and nothing more. */
TEST_F(rtoff, unprivileged)
{
	struct rtoff_offsets offsets;
	const struct rtoff_page *page;
	struct timespec ts;
	char line[64];
	int status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* nobody; already unprivileged if that fails for want of rights */
		if (setgroups(0, NULL) == 0 && (setresgid(65534, 65534, 65534) ||
						setresuid(65534, 65534, 65534)))
			_exit(10);
		fd = open(RTOFF_DEV, O_RDONLY);
		if (fd < 0)
			_exit(11);
		if (read(fd, line, sizeof(line)) <= 0 ||
		    ioctl(fd, RTOFF_IOC_GET_OFFSETS, &offsets))
			_exit(12);
		page = map_page(fd);
		if (!page)
			_exit(13);
		if (open(RTOFF_DEV, O_RDWR) != -1 || errno != EACCES)
			_exit(14);
		if (write(fd, line, 1) != -1 || errno != EBADF)
			_exit(15);
		clock_gettime(CLOCK_REALTIME, &ts);
		if (clock_settime(CLOCK_REALTIME, &ts) != -1 || errno != EPERM)
			_exit(16);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("step %d failed as nobody", WEXITSTATUS(status) - 10);
}

TEST_F(rtoff, poll_quiet_without_change)
{
	struct rtoff_offsets offsets;

	/* A new file has seen the offsets of its open: nothing to report. */
	EXPECT_EQ(0, poll_change(self->fd, 300));
	ASSERT_EQ(0, get_offsets(self->fd, &offsets));
	EXPECT_EQ(0, poll_change(self->fd, 300));
}

TEST_F(rtoff, mmap_page)
{
	long size = sysconf(_SC_PAGESIZE);
	struct rtoff_offsets mapped, ioctl_offsets;
	const struct rtoff_page *page;
	const unsigned char *rest;
	long i;

	page = map_page(self->fd);
	ASSERT_NE(NULL, page) TH_LOG("mmap: %s", strerror(errno));
	do {
		ASSERT_EQ(0, get_offsets(self->fd, &ioctl_offsets));
		rtoff_read_page(page, &mapped);
	} while (mapped.seq != ioctl_offsets.seq);
	EXPECT_TRUE(same_offsets(&ioctl_offsets, &mapped));
	EXPECT_EQ(0, page->reserved);
	for (i = 0; i < (long)ARRAY_SIZE(mapped.reserved); i++)
		EXPECT_EQ(0, mapped.reserved[i]);

	/* Nothing but the documented fields: the rest of the page is zero. */
	rest = (const unsigned char *)(page + 1);
	for (i = 0; i < size - (long)sizeof(*page); i++)
		ASSERT_EQ(0, rest[i]) TH_LOG("byte %zu", sizeof(*page) + i);

	/* The mapping outlives the file. */
	close(self->fd);
	self->fd = open(RTOFF_DEV, O_RDONLY);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, get_offsets(self->fd, &ioctl_offsets));
	rtoff_read_page(page, &mapped);
	EXPECT_EQ(ioctl_offsets.seq, mapped.seq);
	EXPECT_TRUE(same_offsets(&ioctl_offsets, &mapped));
	munmap((void *)page, size);
}

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
	uint64_t last_seq = h->states[0].seq;

	while (!atomic_load(h->stop)) {
		bool from_page = h->page && (h->reads & 1);

		if (from_page)
			rtoff_read_page(h->page, &o);
		if ((!from_page && get_offsets(h->fd, &o)) ||
		    o.seq < last_seq ||
		    !same_offsets(&o, &h->states[(o.seq - h->states[0].seq) & 1])) {
			if (!h->bad++)
				h->first_bad = o;
		}
		h->changes += o.seq != last_seq;
		last_seq = o.seq;
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
	ASSERT_EQ(states[0].seq, states[1].seq);
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
			       (unsigned long long)hammers[i].first_bad.seq,
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
 * The waiter must have woken with a change within 100 ms of @when (CLOCK_-
 * MONOTONIC), and not before the change was made (@not_before).
 */
static void expect_woke(struct __test_metadata *_metadata,
			const struct waiter *w, int64_t when, int64_t not_before)
{
	EXPECT_EQ(POLLIN | POLLPRI, w->revents & (POLLIN | POLLPRI));
	EXPECT_LE(not_before, w->woke);
	EXPECT_GE(when + 100 * 1000000LL, w->woke)
		TH_LOG("woke %lld ms late", (long long)((w->woke - when) / 1000000));
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
 * Make @change while a waiter polls the file, and check that it woke within
 * 100 ms. Returns what @change returned; EPERM is for the caller to skip.
 */
static int expect_wake_on(struct __test_metadata *_metadata, int fd,
			  bool *stepped, int (*change)(void))
{
	struct waiter w;
	int64_t before, after;
	int ret;

	ret = waiter_start(&w, fd, 2000);
	ASSERT_EQ(0, ret) TH_LOG("waiter: %s", strerror(ret));
	before = clock_ns(CLOCK_MONOTONIC);
	ret = change();
	after = clock_ns(CLOCK_MONOTONIC);
	if (!ret)
		*stepped = true;
	waiter_join(&w);
	if (!ret)
		expect_woke(_metadata, &w, after, before);
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
	EXPECT_LT(before.seq, after.seq);
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

/*
 * Put REALTIME 1.5 s before a leap second of kind @status (STA_INS: 23:59:60
 * follows 23:59:59 at midnight UTC; STA_DEL: 23:59:59 is skipped, which the
 * kernel arms only from 23:59:58) and wait for it.
 */
static void leap_second(struct __test_metadata *_metadata, int fd,
			const struct timex *saved_ntp, bool *stepped, int status)
{
	int64_t now = clock_ns(CLOCK_REALTIME) / NSEC_PER_SEC;
	int64_t midnight = (now / 86400 + 1) * 86400 * NSEC_PER_SEC;
	int64_t leap_at = status == STA_INS ? midnight : midnight - NSEC_PER_SEC;
	struct timex query = { .modes = 0 };
	struct rtoff_offsets before_leap, after_leap;
	struct timex tx = { .modes = ADJ_STATUS, .status = status };
	struct waiter w;
	int64_t set_at;
	int i;

	/*
	 * After a leap second NTP passes through TIME_OOP and TIME_WAIT, and
	 * leaves them only once a second passes with no leap pending: a leap
	 * asked for before it is back in TIME_OK is never made.
	 */
	for (i = 0; i < 30 && adjtimex(&query) != TIME_OK; i++) {
		query = (struct timex){ .modes = ADJ_STATUS,
					.status = saved_ntp->status & ~(STA_INS | STA_DEL) };
		usleep(100000);
	}

	if (set_realtime_ns(leap_at - 3 * NSEC_PER_SEC / 2)) {
		if (errno == EPERM)
			SKIP(return, "setting CLOCK_REALTIME needs CAP_SYS_TIME");
		ASSERT_EQ(0, errno);
	}
	set_at = clock_ns(CLOCK_MONOTONIC);
	*stepped = true;
	ASSERT_LE(0, adjtimex(&tx));
	ASSERT_EQ(0, get_offsets(fd, &before_leap));

	ASSERT_EQ(0, waiter_start(&w, fd, 4000));
	waiter_join(&w);
	expect_woke(_metadata, &w, set_at + 3 * NSEC_PER_SEC / 2, set_at);

	/* REALTIME went back (or on) a second; TAI - MONOTONIC did not move. */
	ASSERT_EQ(0, get_offsets(fd, &after_leap));
	EXPECT_EQ(before_leap.realtime_ns + (status == STA_INS ? -1 : 1) * NSEC_PER_SEC,
		  after_leap.realtime_ns);
	EXPECT_EQ(before_leap.tai_ns, after_leap.tai_ns);
	EXPECT_EQ(before_leap.boottime_ns, after_leap.boottime_ns);
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
	int64_t slept, resumed;
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
	ASSERT_EQ(0, waiter_start(&w, self->fd, 15000));
	ASSERT_EQ(0, write_file(alarm, "0"));
	ASSERT_EQ(0, write_file(alarm, "+3"));
	ASSERT_EQ(0, write_file("/sys/power/state", "mem"))
		TH_LOG("suspend: %s", strerror(errno));
	resumed = clock_ns(CLOCK_MONOTONIC);
	waiter_join(&w);
	if (restore_sleep)
		EXPECT_EQ(0, write_file("/sys/power/mem_sleep", restore_sleep));
	/* The waiter was frozen while asleep: it runs again with the rest. */
	expect_woke(_metadata, &w, resumed, 0);

	ASSERT_EQ(0, get_offsets(self->fd, &after));
	slept = after.realtime_ns - before.realtime_ns;
	ksft_print_msg("asleep for %lld ms\n", (long long)(slept / 1000000));
	EXPECT_LT(NSEC_PER_SEC, slept);
	EXPECT_EQ(slept, after.boottime_ns - before.boottime_ns);
	EXPECT_EQ(slept, after.tai_ns - before.tai_ns);
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
	EXPECT_EQ(before.seq, after.seq);
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
	EXPECT_EQ(0, epoll_wait(ep_level, &ev, 1, 100));
	EXPECT_EQ(0, epoll_wait(ep_edge, &ev, 1, 100));

	ret = step_by(NSEC_PER_SEC);
	if (ret == EPERM)
		SKIP(return, "stepping CLOCK_REALTIME needs CAP_SYS_TIME");
	ASSERT_EQ(0, ret);
	self->clock.changed = true;

	/* Level-triggered: ready until the file reads the offsets again. */
	ASSERT_EQ(1, epoll_wait(ep_level, &ev, 1, 1000));
	EXPECT_EQ(1, ev.data.u32);
	EXPECT_EQ(EPOLLIN | EPOLLPRI, ev.events & (EPOLLIN | EPOLLPRI));
	EXPECT_EQ(1, epoll_wait(ep_level, &ev, 1, 0));
	/* Edge-triggered: once per change. */
	ASSERT_EQ(1, epoll_wait(ep_edge, &ev, 1, 1000));
	EXPECT_EQ(2, ev.data.u32);
	EXPECT_EQ(0, epoll_wait(ep_edge, &ev, 1, 100));

	ASSERT_EQ(0, get_offsets(self->fd, &offsets));
	EXPECT_EQ(0, epoll_wait(ep_level, &ev, 1, 100));

	/* The next change is reported again, both ways. */
	ASSERT_EQ(0, step_by(-NSEC_PER_SEC));
	EXPECT_EQ(1, epoll_wait(ep_level, &ev, 1, 1000));
	EXPECT_EQ(1, epoll_wait(ep_edge, &ev, 1, 1000));
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

	EXPECT_NE(0, poll_change(self->fd, 1000));
	EXPECT_NE(0, poll_change(other, 1000));

	/* Reading at position 0 re-arms this file and no other. */
	ASSERT_LT(0, pread(self->fd, line, sizeof(line), 0));
	EXPECT_EQ(0, poll_change(self->fd, 100));
	EXPECT_NE(0, poll_change(other, 100));
	ASSERT_EQ(0, get_offsets(other, &offsets));
	EXPECT_EQ(0, poll_change(other, 100));
	close(other);
}

/*
 * Bad input, one case per row of the table in
 * Documentation/misc-devices/realtime_offset.rst. Each call must give its
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
	n = read(fd, hole - 8, 64);
	if (n == 8) {
		memcpy(line, hole - 8, 8);
		rest = read(fd, line + 8, sizeof(line) - 8);
		if (rest <= 0 || parse_line(line, 8 + rest, &value))
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

	return ioctl(fd, _IOR(RTOFF_IOC_MAGIC, 0x02, struct rtoff_offsets), &o);
}

static long bad_ioctl_other_size(int fd)
{
	struct rtoff_offsets o;

	return ioctl(fd, _IOR(RTOFF_IOC_MAGIC, 0x01, __u64), &o);
}

static long bad_ioctl_other_direction(int fd)
{
	struct rtoff_offsets o = {};

	return ioctl(fd, _IOW(RTOFF_IOC_MAGIC, 0x01, struct rtoff_offsets), &o);
}

static long bad_ioctl_no_argument(int fd)
{
	return ioctl(fd, _IO(RTOFF_IOC_MAGIC, 0x01));
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
	size_t i;

	if (get_offsets(fd, &o))
		return -1;
	for (i = 0; i < ARRAY_SIZE(o.reserved); i++)
		if (o.reserved[i])
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
	__u64 seq;		/* after the setup's change */
};

/*
 * @call returns what the system call did: -1 with errno, or a count; -2 when
 * the test itself could not set the call up.
 */
FIXTURE_VARIANT(bad_input) {
	long (*call)(int fd);
	int error;		/* errno, or 0: the call returns @ret */
	long ret;
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
	self->seq = now.seq;
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
	.call = bad_read_up_to_a_hole, .ret = 8, .marks_read = true,
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

FIXTURE_VARIANT_ADD(bad_input, ioctl_other_size) {
	.call = bad_ioctl_other_size, .error = ENOTTY,
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
	size_t i;

	errno = 0;
	ret = variant->call(self->fd);
	ASSERT_NE(-2, ret) TH_LOG("setting the call up: %s", strerror(errno));
	if (variant->error) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(variant->error, errno) TH_LOG("%s", strerror(errno));
	} else {
		EXPECT_EQ(variant->ret, ret) TH_LOG("%s", strerror(errno));
	}

	if (self->clock.changed)
		EXPECT_EQ(!variant->marks_read, !!poll_change(self->fd, 0))
			TH_LOG("the change is %s", variant->marks_read ?
			       "still reported" : "lost");
	ASSERT_EQ(0, get_offsets(self->fd, &after));
	EXPECT_EQ(self->seq, after.seq);
	for (i = 0; i < ARRAY_SIZE(after.reserved); i++)
		EXPECT_EQ(0, after.reserved[i]);
}

TEST_HARNESS_MAIN
