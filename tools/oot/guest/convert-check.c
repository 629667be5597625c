// SPDX-License-Identifier: GPL-2.0
/*
 * convert-check - for cli-test, in a guest: make two clock steps of known
 * sizes and an inserted leap second, with CLOCK_MONOTONIC stamps before,
 * between and after them, then put the clock back. Writes, in DIR:
 *
 *   stamps     one stamp a line, integer nanoseconds or decimal seconds
 *   expected   what rtoffset --convert - must print for each, worked out
 *              here from the steps made, never by the driver or rtoffset
 *   journal, journal.expected, trace, trace.expected, ns, ns.expected
 *              sample lines of each --filter format, and how they must read
 *              once rewritten
 *
 * The only value taken from the device is the offset before the first step;
 * every later one follows from the steps this program made with
 * adjtimex(ADJ_SETOFFSET), which steps by exactly what it is asked.
 *
 * With --set-tai SECONDS, it only sets the kernel's TAI offset; with --step
 * NS, it only steps CLOCK_REALTIME by NS nanoseconds.
 *
 * Exit status: 0 done; 1 a step or a file failed; 2 bad arguments.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "rtoff.h"

#define NSEC_PER_SEC	1000000000LL
#define LEAP_LEAD_NS	(3 * NSEC_PER_SEC)

static int64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static int step_by(int64_t ns)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };

	tx.time.tv_sec = ns / NSEC_PER_SEC;
	tx.time.tv_usec = ns % NSEC_PER_SEC;
	if (tx.time.tv_usec < 0) {
		tx.time.tv_sec--;
		tx.time.tv_usec += NSEC_PER_SEC;
	}
	return adjtimex(&tx) < 0 ? -1 : 0;
}

/* UTC of @utc_ns with @decimals digits; @leap: the second is 23:59:60. */
static void utc_text(int64_t utc_ns, int decimals, bool leap, char *buf, size_t size)
{
	int64_t sec = utc_ns / NSEC_PER_SEC, nsec = utc_ns % NSEC_PER_SEC, div = 1;
	time_t t;
	struct tm tm;
	int i;

	if (nsec < 0) {
		sec--;
		nsec += NSEC_PER_SEC;
	}
	t = sec;
	gmtime_r(&t, &tm);
	if (leap)
		tm.tm_sec = 60;
	for (i = decimals; i < 9; i++)
		div *= 10;
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%0*" PRId64 "Z",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, decimals, nsec / div);
}

/*
 * The offsets this program made: REALTIME - MONOTONIC from @from on. A step's
 * instant is only known to lie before the clock read after it, which is
 * @from; no stamp falls between the two.
 */
struct segment {
	int64_t from;
	int64_t offset;
};

static struct segment segs[8];
static int nsegs;
static int64_t leap_at = INT64_MAX;	/* the inserted second starts here */

static void expected(int64_t t, int decimals, char *buf, size_t size)
{
	int i = nsegs - 1;

	while (i > 0 && segs[i].from > t)
		i--;
	utc_text(t + segs[i].offset, decimals,
		 t >= leap_at && t - leap_at < NSEC_PER_SEC, buf, size);
}

/* After a step, so that no stamp taken later is a microsecond too early. */
static void segment(int64_t offset)
{
	usleep(1000);
	segs[nsegs++] = (struct segment){ mono_now(), offset };
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		perror(path);
	return f;
}

static int write_files(const char *dir, const int64_t *s, int n)
{
	FILE *st = open_in(dir, "stamps"), *ex = open_in(dir, "expected");
	FILE *jo = open_in(dir, "journal"), *jx = open_in(dir, "journal.expected");
	FILE *tr = open_in(dir, "trace"), *tx = open_in(dir, "trace.expected");
	FILE *ns = open_in(dir, "ns"), *nx = open_in(dir, "ns.expected");
	char text[96];
	int64_t us;
	int i;

	if (!st || !ex || !jo || !jx || !tr || !tx || !ns || !nx)
		return -1;
	for (i = 0; i < n; i++) {
		/* Whole nanoseconds, and seconds with microseconds. */
		expected(s[i], 9, text, sizeof(text));
		fprintf(st, "%" PRId64 "\n", s[i]);
		fprintf(ex, "%s\n", text);
		fprintf(ns, "%" PRId64 " event %d\n", s[i], i);
		fprintf(nx, "%s event %d\n", text, i);

		us = s[i] / 1000;
		expected(us * 1000, 6, text, sizeof(text));
		fprintf(st, "%" PRId64 ".%06" PRId64 "\n", us / 1000000, us % 1000000);
		fprintf(ex, "%s\n", text);
		fprintf(jo, "[%6" PRId64 ".%06" PRId64 "] guest kernel: line %d\n",
			us / 1000000, us % 1000000, i);
		fprintf(jx, "[%s] guest kernel: line %d\n", text, i);
		fprintf(tr, "  stamper  %4d [000] %" PRId64 ".%06" PRId64 ": probe: n=%d\n",
			100 + i, us / 1000000, us % 1000000, i);
		fprintf(tx, "  stamper  %4d [000] %s: probe: n=%d\n", 100 + i, text, i);
	}
	/* Lines without a stamp pass through untouched. */
	fprintf(jo, "-- no entries --\n");
	fprintf(jx, "-- no entries --\n");
	fprintf(tr, "# tracer: nop\n");
	fprintf(tx, "# tracer: nop\n");
	fprintf(ns, "nsecs event\n");
	fprintf(nx, "nsecs event\n");
	return fclose(st) | fclose(ex) | fclose(jo) | fclose(jx) |
	       fclose(tr) | fclose(tx) | fclose(ns) | fclose(nx);
}

int main(int argc, char **argv)
{
	const int64_t s1 = 3600 * NSEC_PER_SEC + 123, s2 = -7200 * NSEC_PER_SEC - 456;
	struct timex ntp = { .modes = 0 }, tx = { .modes = 0 };
	int64_t s[16];
	struct rtoff_offsets o;
	int64_t offset, now, midnight, boundary, lead;
	struct rtoff r;
	int n = 0, i, ret = 1;

	if (argc == 3 && !strcmp(argv[1], "--set-tai")) {
		tx = (struct timex){ .modes = ADJ_TAI, .constant = atoi(argv[2]) };
		return adjtimex(&tx) < 0 ? 1 : 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--step"))
		return step_by(strtoll(argv[2], NULL, 10)) ? 1 : 0;
	if (argc != 2) {
		fprintf(stderr, "usage: convert-check DIR | --set-tai SECONDS | --step NS\n");
		return 2;
	}
	if (rtoff_open(&r) || rtoff_read(&r, &o) || adjtimex(&ntp) < 0) {
		perror("convert-check");
		return 1;
	}
	offset = o.realtime_ns;
	segs[nsegs++] = (struct segment){ INT64_MIN, offset };

	/* Before, between and after two steps. */
	s[n++] = mono_now();
	if (step_by(s1))
		goto out;
	offset += s1;
	segment(offset);
	s[n++] = mono_now();
	if (step_by(s2))
		goto out;
	offset += s2;
	segment(offset);
	s[n++] = mono_now();

	/*
	 * LEAP_LEAD_NS before midnight, by a step of a size chosen here, with
	 * NTP in TIME_OK and a leap second inserted at midnight.
	 */
	for (i = 0; i < 50 && adjtimex(&tx) != TIME_OK; i++) {
		tx = (struct timex){ .modes = ADJ_STATUS,
				     .status = ntp.status & ~(STA_INS | STA_DEL | STA_UNSYNC) };
		usleep(100000);
	}
	now = mono_now() + offset;
	midnight = (now / NSEC_PER_SEC / 86400 + 1) * 86400 * NSEC_PER_SEC;
	lead = midnight - LEAP_LEAD_NS - now;
	if (step_by(lead))
		goto out;
	offset += lead;
	segment(offset);
	tx = (struct timex){ .modes = ADJ_STATUS, .status = STA_INS };
	if (adjtimex(&tx) < 0)
		goto out;
	boundary = midnight - offset;
	while (mono_now() < boundary + 2 * NSEC_PER_SEC)
		usleep(100000);

	/* From the boundary on, REALTIME is a second back. */
	offset -= NSEC_PER_SEC;
	segs[nsegs++] = (struct segment){ boundary, offset };
	leap_at = boundary;

	/* The second before, the inserted one, and the one after. */
	s[n++] = boundary - NSEC_PER_SEC / 2;
	s[n++] = boundary - 1;
	s[n++] = boundary;
	s[n++] = boundary + NSEC_PER_SEC / 4;
	s[n++] = boundary + NSEC_PER_SEC - 1;
	s[n++] = boundary + NSEC_PER_SEC + NSEC_PER_SEC / 4;

	ret = write_files(argv[1], s, n) ? 1 : 0;
out:
	if (ret)
		perror("convert-check");
	/*
	 * Undo the steps made here and the leap second, so that the clock
	 * reads as it would have, and put NTP's status back (which stops the
	 * RTC updates its synchronised state allowed).
	 */
	step_by(o.realtime_ns - offset);
	ntp.modes = ADJ_STATUS;
	adjtimex(&ntp);
	rtoff_close(&r);
	return ret;
}
