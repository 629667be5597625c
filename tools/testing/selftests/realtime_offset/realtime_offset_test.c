// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for /dev/realtime_offset: the value against the clocks, its file
 * semantics, clock steps and time namespaces.
 *
 * The step tests set CLOCK_REALTIME and put it back in their teardown.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

#define RTOFF_DEV	"/dev/realtime_offset"
#define NSEC_PER_SEC	1000000000LL

/* The longest line the device gives: "-9223372036854775808\n" */
#define RTOFF_LINE_MAX	21

static int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		return INT64_MIN;
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static int set_realtime_ns(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	return clock_settime(CLOCK_REALTIME, &ts);
}

/*
 * Accept exactly one signed decimal integer and a newline, written the way
 * printf("%lld\n") writes it: no sign on positives, no leading zeros.
 */
static int parse_line(const char *line, size_t len, int64_t *value)
{
	char text[RTOFF_LINE_MAX + 2];
	char *end;

	if (len < 2 || len > RTOFF_LINE_MAX || line[len - 1] != '\n')
		return -1;
	memcpy(text, line, len - 1);
	text[len - 1] = '\0';
	errno = 0;
	*value = strtoll(text, &end, 10);
	if (errno || *end)
		return -1;
	snprintf(text, sizeof(text), "%lld\n", (long long)*value);
	return strlen(text) == len && !memcmp(text, line, len) ? 0 : -1;
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

TEST_F(rtoff, write_refused)
{
	char line[] = "0\n";

	EXPECT_EQ(-1, open(RTOFF_DEV, O_WRONLY));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, open(RTOFF_DEV, O_RDWR));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, write(self->fd, line, sizeof(line) - 1));
	EXPECT_EQ(EBADF, errno);
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
	struct window window;
};

static int timens_child(int inherited_fd, int pipe_fd)
{
	struct timens_view view;
	int fd;

	fd = open(RTOFF_DEV, O_RDONLY);
	if (fd < 0)
		return 1;
	view.window = offset_window();
	if (read_offset(inherited_fd, &view.inherited_fd) ||
	    read_offset(fd, &view.own_fd))
		return 1;
	close(fd);
	return write(pipe_fd, &view, sizeof(view)) == sizeof(view) ? 0 : 1;
}

TEST_F(rtoff, time_namespace)
{
	const int64_t shift = 3 * 86400 * NSEC_PER_SEC + 123456789;
	struct timens_view view;
	int64_t host, host_after;
	int pipe_fd[2], status;
	pid_t pid;

	ASSERT_EQ(0, read_offset(self->fd, &host));
	if (unshare(CLONE_NEWTIME)) {
		if (errno == EPERM)
			SKIP(return, "unshare(CLONE_NEWTIME) needs CAP_SYS_ADMIN");
		if (errno == EINVAL)
			SKIP(return, "kernel built without CONFIG_TIME_NS");
		ASSERT_EQ(0, errno);
	}
	ASSERT_EQ(0, write_timens_offset(CLOCK_MONOTONIC, shift));
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
	ASSERT_EQ(0, read_offset(self->fd, &host_after));
	ASSERT_EQ(host, host_after);

	EXPECT_EQ(host - shift, view.inherited_fd);
	EXPECT_EQ(host - shift, view.own_fd);
	EXPECT_LE(view.window.lo, view.own_fd);
	EXPECT_GE(view.window.hi, view.own_fd);
}

/*
 * The step tests need CAP_SYS_TIME. They note REALTIME against MONOTONIC in
 * setup, and the teardown sets REALTIME back to where it would be now.
 */
FIXTURE(rtoff_step) {
	int fd;
	int64_t saved_real;
	int64_t saved_mono;
	bool stepped;
};

FIXTURE_SETUP(rtoff_step)
{
	struct window w;

	self->stepped = false;
	self->fd = open(RTOFF_DEV, O_RDONLY);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "%s does not exist: load realtime_offset", RTOFF_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", RTOFF_DEV, strerror(errno));

	self->saved_mono = clock_ns(CLOCK_MONOTONIC);
	self->saved_real = clock_ns(CLOCK_REALTIME);
	w = offset_window();
	self->saved_mono += (w.hi - w.lo) / 2;
}

FIXTURE_TEARDOWN(rtoff_step)
{
	if (self->stepped)
		EXPECT_EQ(0, set_realtime_ns(self->saved_real +
					     clock_ns(CLOCK_MONOTONIC) - self->saved_mono));
	if (self->fd >= 0)
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
		self->stepped = true;
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
	self->stepped = true;
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

TEST_HARNESS_MAIN
