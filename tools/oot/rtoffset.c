// SPDX-License-Identifier: GPL-2.0
/*
 * rtoffset - print the clocks' offsets from /dev/realtime_offset, follow
 * their changes, or convert a CLOCK_MONOTONIC timestamp to UTC.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtoff.h"

#define NSEC_PER_SEC	1000000000LL

enum {
	EXIT_USAGE = 1,		/* bad arguments */
	EXIT_NO_DEVICE = 2,	/* the module is not loaded */
	EXIT_DEVICE = 3,	/* the device cannot be read */
};

static const char usage[] =
	"usage: rtoffset [--json] [--watch] [--convert MONO_NS] [--help]\n"
	"\n"
	"Prints the offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and CLOCK_TAI from\n"
	"CLOCK_MONOTONIC in nanoseconds, and their change counter, from\n"
	RTOFF_PATH ".\n"
	"\n"
	"  --json           print a JSON object instead of name-value lines\n"
	"  --watch          print the offsets, then again at each change, until killed\n"
	"  --convert NS     print the UTC time of CLOCK_MONOTONIC NS nanoseconds,\n"
	"                   as ISO 8601 with nanoseconds\n"
	"  --help           print this\n"
	"\n"
	"Exit status: 0 success; 1 bad arguments; 2 the device is missing (the\n"
	"realtime_offset module is not loaded); 3 the device cannot be read.\n";

static void print_offsets(const struct rtoff_offsets *o, bool json, bool one_line)
{
	if (json)
		printf("{\"realtime_ns\": %" PRId64 ", \"boottime_ns\": %" PRId64
		       ", \"tai_ns\": %" PRId64 ", \"seq\": %" PRIu64 "}\n",
		       (int64_t)o->realtime_ns, (int64_t)o->boottime_ns,
		       (int64_t)o->tai_ns, (uint64_t)o->seq);
	else
		printf("realtime_ns %" PRId64 "%cboottime_ns %" PRId64
		       "%ctai_ns %" PRId64 "%cseq %" PRIu64 "\n",
		       (int64_t)o->realtime_ns, one_line ? ' ' : '\n',
		       (int64_t)o->boottime_ns, one_line ? ' ' : '\n',
		       (int64_t)o->tai_ns, one_line ? ' ' : '\n', (uint64_t)o->seq);
	fflush(stdout);
}

/* ISO 8601 UTC with nanoseconds, e.g. 2025-11-29T05:04:03.123456789Z. */
static int print_utc(int64_t realtime_ns)
{
	int64_t sec = realtime_ns / NSEC_PER_SEC, nsec = realtime_ns % NSEC_PER_SEC;
	char date[64];
	time_t t;
	struct tm tm;

	if (nsec < 0) {
		sec--;
		nsec += NSEC_PER_SEC;
	}
	t = sec;
	if (!gmtime_r(&t, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		return -1;
	printf("%s.%09" PRId64 "Z\n", date, nsec);
	return 0;
}

static int parse_ns(const char *text, int64_t *ns)
{
	char *end;

	errno = 0;
	*ns = strtoll(text, &end, 10);
	return errno || end == text || *end ? -1 : 0;
}

static int device_error(void)
{
	if (errno == ENOENT) {
		fprintf(stderr, "realtime_offset module not loaded: try sudo modprobe realtime_offset\n");
		return EXIT_NO_DEVICE;
	}
	fprintf(stderr, "rtoffset: cannot read %s: %s\n", RTOFF_PATH, strerror(errno));
	return EXIT_DEVICE;
}

static int watch(struct rtoff *r, bool json)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN | POLLPRI };
	struct rtoff_offsets o;

	for (;;) {
		/* The ioctl marks the offsets seen: poll waits for the next change. */
		if (ioctl(r->fd, RTOFF_IOC_GET_OFFSETS, &o))
			return device_error();
		print_offsets(&o, json, true);
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return device_error();
	}
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", no_argument, NULL, 'w' },
		{ "convert", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool json = false, follow = false, convert = false;
	struct rtoff_offsets o;
	int64_t mono_ns = 0;
	struct rtoff r;
	int opt;

	while ((opt = getopt_long(argc, argv, "jwc:h", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'w':
			follow = true;
			break;
		case 'c':
			convert = true;
			if (parse_ns(optarg, &mono_ns)) {
				fprintf(stderr, "rtoffset: not a number of nanoseconds: %s\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || (convert && (follow || json))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}

	if (rtoff_open(&r))
		return device_error();
	if (follow)
		return watch(&r, json);
	if (rtoff_read(&r, &o))
		return device_error();
	if (convert) {
		if (print_utc(mono_ns + o.realtime_ns)) {
			fprintf(stderr, "rtoffset: %" PRId64 " is out of range\n", mono_ns);
			return EXIT_USAGE;
		}
		return 0;
	}
	print_offsets(&o, json, false);
	rtoff_close(&r);
	return 0;
}
