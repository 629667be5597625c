// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for /dev/realtime_offset that leave the clock alone: the values
 * against the clocks, the text, ioctl and mmap interfaces, poll without a
 * change, time namespaces, privileges and a fuzzed ioctl.
 *
 * What steps the clock, inserts leap seconds or suspends the machine is in
 * realtime_offset_step.c and realtime_offset_stress.c, run by
 * run_destructive_tests.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/realtime_offset.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rtoff.h"
#include "rtoff_test.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

/*
 * With m1 = MONOTONIC, r = REALTIME, m2 = MONOTONIC read in that order, the
 * offset at the instant of r lies in [r - m2, r - m1].
 */
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
	struct rtoff_change newest;	/* through the ioctl */
	struct rtoff_change page_newest;	/* in the page */
	struct rtoff_change at_page;	/* rtoff_at(newest), from the page */
	struct rtoff_change at_ioctl;	/* and through the ioctl */
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
	if (get_history(r.fd, &view.newest, 1, sizeof(view.newest)) != 1)
		return 1;
	view.page_newest = r.page->history[(r.page->history_count - 1) % RTOFF_HISTORY_LEN];
	if (rtoff_at(&r, CLOCK_MONOTONIC, view.newest.mono_ns, &view.at_page))
		return 1;
	munmap((void *)r.page, sysconf(_SC_PAGESIZE));
	r.page = NULL;
	if (rtoff_at(&r, CLOCK_MONOTONIC, view.newest.mono_ns, &view.at_ioctl))
		return 1;
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
	ASSERT_EQ(host.changes, host_after.changes);

	EXPECT_EQ(host.realtime_ns - mono_shift, view.inherited_fd);
	EXPECT_EQ(host.realtime_ns - mono_shift, view.own_fd);
	EXPECT_EQ(host.realtime_ns - mono_shift, view.offsets.realtime_ns);
	EXPECT_EQ(host.boottime_ns + boot_shift - mono_shift,
		  view.offsets.boottime_ns);
	EXPECT_EQ(host.tai_ns - mono_shift, view.offsets.tai_ns);
	EXPECT_EQ(host.changes, view.offsets.changes);
	/* The page holds the host's offsets, for all namespaces alike. */
	EXPECT_EQ(host.changes, view.page.changes);
	EXPECT_TRUE(same_offsets(&host, &view.page));
	/* rtoff.h corrects the page for the namespace, as documented. */
	EXPECT_TRUE(same_offsets(&view.offsets, &view.helper));
	EXPECT_LE(view.window[0].lo, view.offsets.realtime_ns);
	EXPECT_GE(view.window[0].hi, view.offsets.realtime_ns);
	EXPECT_LE(view.window[1].lo, view.offsets.boottime_ns);
	EXPECT_GE(view.window[1].hi, view.offsets.boottime_ns);
	EXPECT_LE(view.window[2].lo, view.offsets.tai_ns);
	EXPECT_GE(view.window[2].hi, view.offsets.tai_ns);

	/* The instants too are the namespace's; the page's the host's. */
	EXPECT_EQ(host.since_ns + mono_shift, view.offsets.since_ns);
	EXPECT_EQ(host.since_ns, view.page.since_ns);
	EXPECT_EQ(host.since_ns, view.page_newest.mono_ns);
	EXPECT_EQ(host.changes, view.page_newest.changes);
	EXPECT_EQ(view.offsets.since_ns, view.newest.mono_ns);
	EXPECT_EQ(view.offsets.changes, view.newest.changes);
	EXPECT_EQ(view.offsets.realtime_ns, view.newest.realtime_ns);
	EXPECT_EQ(view.offsets.boottime_ns, view.newest.boottime_ns);
	EXPECT_EQ(view.offsets.tai_ns, view.newest.tai_ns);
	EXPECT_EQ(0, memcmp(&view.newest, &view.at_page, sizeof(view.newest)));
	EXPECT_EQ(0, memcmp(&view.newest, &view.at_ioctl, sizeof(view.newest)));
}

TEST_F(rtoff, ioctl_offsets)
{
	struct rtoff_offsets offsets, again;
	struct window w[3];
	int64_t text;

	offsets_window(w);
	ASSERT_EQ(0, get_offsets(self->fd, &offsets));
	EXPECT_LE(w[0].lo, offsets.realtime_ns);
	EXPECT_GE(w[0].hi, offsets.realtime_ns);
	EXPECT_LE(w[1].lo, offsets.boottime_ns);
	EXPECT_GE(w[1].hi, offsets.boottime_ns);
	EXPECT_LE(w[2].lo, offsets.tai_ns);
	EXPECT_GE(w[2].hi, offsets.tai_ns);
	EXPECT_EQ(sizeof(offsets), offsets.size);
	EXPECT_EQ(0, offsets.reserved);

	/* Without a step in between: same seq, same offsets, same text. */
	ASSERT_EQ(0, read_offset(self->fd, &text));
	ASSERT_EQ(0, get_offsets(self->fd, &again));
	ASSERT_EQ(offsets.changes, again.changes);
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
	const long scratch_len = (_IOC_SIZEMASK + page) / page * page;
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

	/*
	 * RTOFF_IOC_GET_OFFSETS writes as much as the command's size says, up
	 * to 16 KiB: that much scratch, then a page that cannot be written.
	 */
	scratch = mmap(NULL, scratch_len + page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	readonly = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, scratch);
	ASSERT_NE(MAP_FAILED, readonly);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, mprotect((char *)scratch + scratch_len, page, PROT_NONE));
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
	EXPECT_EQ(before.changes, after.changes);
	EXPECT_TRUE(same_offsets(&before, &after));
	munmap(scratch, scratch_len + page);
	munmap(readonly, page);
}

/*
 * RTOFF_IOC_GET_HISTORY with random fields, reproducible like ioctl_fuzz:
 * the entries land in a page followed by one that cannot be written, or at an
 * address that cannot be, so nothing of this process is overwritten. Every
 * call must succeed within its bounds or fail with EFAULT or EINVAL.
 */
TEST_F(rtoff, history_ioctl_fuzz)
{
	const long page = sysconf(_SC_PAGESIZE);
	const __u32 sizes[] = { 0, 1, 40, 47, 48, 49, 64, 4096, 4097, 0x7fffffff };
	struct rtoff_offsets before, after;
	struct rtoff_history *hist;
	long calls = 20000, failed = 0, succeeded = 0, i;
	unsigned long where[5];
	unsigned int seed;
	char *buf, *readonly;
	const char *env;
	__u32 count;
	void *arg;
	int ret;

	env = getenv("RTOFF_SEED");
	seed = env ? strtoul(env, NULL, 0) : (unsigned int)clock_ns(CLOCK_MONOTONIC);
	ksft_print_msg("history fuzz: RTOFF_SEED=%u, %ld calls\n", seed, calls);
	srandom(seed);

	buf = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hist = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	readonly = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	ASSERT_NE(MAP_FAILED, hist);
	ASSERT_NE(MAP_FAILED, readonly);
	ASSERT_EQ(0, mprotect(buf + page, page, PROT_NONE));
	where[0] = 0;
	where[1] = (unsigned long)readonly;
	where[2] = (unsigned long)(buf + page);		/* the page that cannot be */
	where[3] = ~0UL << 47;				/* kernel space */

	ASSERT_EQ(0, get_offsets(self->fd, &before));
	for (i = 0; i < calls; i++) {
		where[4] = (unsigned long)(buf + random() % page);
		count = random() % 8 ? random() % 100 : random();
		*hist = (struct rtoff_history){
			.entries = where[random() % ARRAY_SIZE(where)],
			.count = count,
			.entry_size = sizes[random() % ARRAY_SIZE(sizes)],
			.reserved = { random() % 16 ? 0 : random(), random() % 16 ? 0 : random() },
		};
		/* Now and then the argument itself is bad. */
		arg = random() % 8 ? (void *)hist : (void *)where[random() % 4];
		errno = 0;
		ret = ioctl(self->fd, RTOFF_IOC_GET_HISTORY, arg);
		if (!ret) {
			succeeded++;
			ASSERT_EQ((void *)hist, arg);
			ASSERT_GE(count, hist->count);
			ASSERT_GE(RTOFF_HISTORY_LEN, hist->count);
			continue;
		}
		failed++;
		ASSERT_TRUE(errno == EFAULT || errno == EINVAL)
			TH_LOG("%s (seed %u, call %ld)", strerror(errno), seed, i);
	}
	ksft_print_msg("history fuzz: %ld failed, %ld served\n", failed, succeeded);

	ASSERT_EQ(0, get_offsets(self->fd, &after));
	EXPECT_EQ(before.changes, after.changes);
	EXPECT_TRUE(same_offsets(&before, &after));
	munmap(buf, 2 * page);
	munmap(hist, page);
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
		/* Only as nobody: this program must not set the clock. */
		clock_gettime(CLOCK_REALTIME, &ts);
		if (getuid() == 65534 &&
		    (clock_settime(CLOCK_REALTIME, &ts) != -1 || errno != EPERM))
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
	EXPECT_EQ(0, poll_change(self->fd, QUIET_MS));
	ASSERT_EQ(0, get_offsets(self->fd, &offsets));
	EXPECT_EQ(0, poll_change(self->fd, QUIET_MS));
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
	} while (mapped.changes != ioctl_offsets.changes);
	EXPECT_TRUE(same_offsets(&ioctl_offsets, &mapped));
	EXPECT_EQ(sizeof(*page), page->size);
	EXPECT_EQ(sizeof(mapped), mapped.size);
	EXPECT_EQ(0, mapped.reserved);

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
	EXPECT_EQ(ioctl_offsets.changes, mapped.changes);
	EXPECT_TRUE(same_offsets(&ioctl_offsets, &mapped));
	munmap((void *)page, size);
}

/*
 * The page keeps the driver's load apart from the ring, which overwrites it
 * after RTOFF_HISTORY_LEN changes: the origin of a count since the load.
 */
TEST_F(rtoff, load_kept_in_the_page)
{
	struct rtoff_change load, first, got;
	struct rtoff_offsets o;
	struct rtoff r;
	__u64 count;
	__u32 seq;
	int ret;

	ASSERT_EQ(0, rtoff_open(&r));
	ASSERT_NE(NULL, r.page);
	do {
		seq = rtoff_read_begin(r.page);
		o = r.page->offsets;
		count = r.page->history_count;
		first = r.page->history[0];
		load = r.page->load;
	} while (rtoff_read_retry(r.page, seq));
	EXPECT_EQ(RTOFF_CAUSE_LOAD, load.cause);
	EXPECT_EQ(0, load.reserved);
	EXPECT_EQ(o.changes - (count - 1), load.changes);
	EXPECT_LE(load.mono_ns, o.since_ns);
	EXPECT_GE(clock_ns(CLOCK_MONOTONIC), load.mono_ns);
	if (count <= RTOFF_HISTORY_LEN)
		EXPECT_EQ(0, memcmp(&first, &load, sizeof(load)));

	/* rtoff_load() from the page, then through the ioctl's history. */
	ASSERT_EQ(0, rtoff_load(&r, &got));
	EXPECT_EQ(0, memcmp(&load, &got, sizeof(load)));
	munmap((void *)r.page, sysconf(_SC_PAGESIZE));
	r.page = NULL;
	memset(&got, 0, sizeof(got));
	ret = rtoff_load(&r, &got);
	if (count <= RTOFF_HISTORY_LEN) {
		EXPECT_EQ(0, ret);
		EXPECT_EQ(0, memcmp(&load, &got, sizeof(load)));
	} else {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(ENODATA, errno);
	}
	rtoff_close(&r);
}

/*
 * A task with the READ_IMPLIES_EXEC personality asks for PROT_EXEC with every
 * PROT_READ mapping, which the device refuses: rtoff.h reads such a task's
 * offsets through the ioctl instead.
 */
TEST_F(rtoff, read_implies_exec_uses_the_ioctl)
{
	struct rtoff_offsets got, ioctl_offsets;
	struct rtoff r;
	int status;
	void *page;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (personality(READ_IMPLIES_EXEC) == -1)
			_exit(10);
		page = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, self->fd, 0);
		/* On a noexec mount the kernel adds no PROT_EXEC. */
		if (page != MAP_FAILED)
			_exit(20);
		if (errno != EPERM)
			_exit(11);
		if (rtoff_open(&r))
			_exit(12);
		if (r.page)
			_exit(13);
		do {
			if (rtoff_read(&r, &got) || get_offsets(self->fd, &ioctl_offsets))
				_exit(14);
		} while (got.changes != ioctl_offsets.changes);
		_exit(same_offsets(&got, &ioctl_offsets) ? 0 : 15);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 20)
		SKIP(return, "%s is on a noexec mount: no PROT_EXEC to refuse", RTOFF_DEV);
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("step %d failed with READ_IMPLIES_EXEC", WEXITSTATUS(status) - 10);
}

TEST_HARNESS_MAIN
