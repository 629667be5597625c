/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the realtime_offset tests share: the clocks, the device's line, and
 * stepping the clock and putting it back.
 */
#ifndef RTOFF_TEST_H
#define RTOFF_TEST_H

#include <errno.h>
#include <linux/realtime_offset.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#define RTOFF_DEV	"/dev/realtime_offset"
#define NSEC_PER_SEC	1000000000LL

/*
 * How long the tests wait. A change not reported within WAKE_TIMEOUT_MS is
 * missing, not late: a bound no busy emulator comes near, as the latency
 * itself is measured by make bench, not judged here. A file that must stay
 * quiet is watched for QUIET_MS, long enough for a wakeup that was going to
 * come to have come, even under an emulator.
 */
#define WAKE_TIMEOUT_MS	10000
#define QUIET_MS	1000

/* The longest line the device gives: "-9223372036854775808\n" */
#define RTOFF_LINE_MAX	21

static inline int64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		return INT64_MIN;
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * Accept exactly one signed decimal integer and a newline, written the way
 * printf("%lld\n") writes it: no sign on positives, no leading zeros.
 */
static inline int parse_line(const char *line, size_t len, int64_t *value)
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
static inline int read_offset(int fd, int64_t *value)
{
	char line[64];
	ssize_t len;

	len = pread(fd, line, sizeof(line), 0);
	if (len < 0)
		return -1;
	return parse_line(line, len, value);
}

/* The range an offset read at some instant between two clock reads lies in. */
struct window {
	int64_t lo;
	int64_t hi;
};

/* The buffer is filled with garbage first: every field must be written. */
static inline int get_offsets(int fd, struct rtoff_offsets *offsets)
{
	memset(offsets, 0xa5, sizeof(*offsets));
	return ioctl(fd, RTOFF_IOC_GET_OFFSETS, offsets);
}

/* The newest @count changes, newest first: how many, or -1 with errno. */
static inline long get_history(int fd, void *entries, __u32 count, __u32 entry_size)
{
	struct rtoff_history hist = {
		.entries = (__u64)(unsigned long)entries,
		.count = count,
		.entry_size = entry_size,
	};

	return ioctl(fd, RTOFF_IOC_GET_HISTORY, &hist) ? -1 : (long)hist.count;
}

static inline const struct rtoff_page *map_page(int fd)
{
	void *page = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, fd, 0);

	return page == MAP_FAILED ? NULL : page;
}

static inline bool same_offsets(const struct rtoff_offsets *a,
				const struct rtoff_offsets *b)
{
	return a->realtime_ns == b->realtime_ns &&
	       a->boottime_ns == b->boottime_ns && a->tai_ns == b->tai_ns;
}

/* poll() for a change: the events seen, 0 on timeout. */
static inline int poll_change(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLPRI };

	return poll(&pfd, 1, timeout_ms) > 0 ? pfd.revents : 0;
}

/* 0, or -1 with errno. */
static inline int set_realtime_ns(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	return clock_settime(CLOCK_REALTIME, &ts);
}

/* Step CLOCK_REALTIME by @delta_ns, exactly, as NTP daemons do. 0 or errno. */
static inline int step_by(int64_t delta_ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };
	int64_t sec = delta_ns / NSEC_PER_SEC, nsec = delta_ns % NSEC_PER_SEC;

	if (nsec < 0) {
		sec--;
		nsec += NSEC_PER_SEC;
	}
	tx.time.tv_sec = sec;
	tx.time.tv_usec = nsec;
	return clock_adjtime(CLOCK_REALTIME, &tx) < 0 ? errno : 0;
}

/*
 * The clock as a test found it: the offsets tell to the nanosecond how far
 * the test stepped CLOCK_REALTIME; NTP's frequency, tick, status and TAI
 * offset are what a step clears or a test changes.
 */
struct saved_clock {
	struct rtoff_offsets offsets;
	struct timex ntp;
	bool changed;		/* set by the test once it changed anything */
};

/* 0 or an errno. */
static inline int save_clock(int fd, struct saved_clock *saved)
{
	memset(saved, 0, sizeof(*saved));
	if (adjtimex(&saved->ntp) < 0 || get_offsets(fd, &saved->offsets))
		return errno;
	return 0;
}

/* Step back by what the test moved the clock, then restore NTP. 0 or errno. */
static inline int restore_clock(int fd, const struct saved_clock *saved)
{
	struct timex ntp = {
		.modes = ADJ_FREQUENCY | ADJ_TICK | ADJ_STATUS | ADJ_TAI,
		.freq = saved->ntp.freq,
		.tick = saved->ntp.tick,
		.status = saved->ntp.status,
		.constant = saved->ntp.tai,
	};
	struct rtoff_offsets now;
	int ret;

	if (!saved->changed)
		return 0;
	if (get_offsets(fd, &now))
		return errno;
	if (now.realtime_ns != saved->offsets.realtime_ns) {
		ret = step_by(saved->offsets.realtime_ns - now.realtime_ns);
		if (ret)
			return ret;
	}
	return adjtimex(&ntp) < 0 ? errno : 0;
}

#endif /* RTOFF_TEST_H */
