// SPDX-License-Identifier: GPL-2.0
/*
 * rtoffset - print the clocks' offsets from /dev/realtime_offset and their
 * history, follow their changes, and convert CLOCK_MONOTONIC or
 * CLOCK_BOOTTIME timestamps to UTC or TAI with the offsets that were in force
 * when each was taken: given as arguments, read one a line, or rewritten in
 * the lines of a log or a trace.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtoffset.h"

#define NSEC_PER_SEC	1000000000LL

enum {
	EXIT_USAGE = 1,		/* bad arguments, or input it could not convert */
	EXIT_NO_DEVICE = 2,	/* the module is not loaded */
	EXIT_DEVICE = 3,	/* the device cannot be read */
};

static const char usage[] =
	"usage: rtoffset [--host] [--json] [--watch | --history]\n"
	"       rtoffset [--host] --metrics\n"
	"       rtoffset [--host] [--from CLOCK] [--tai] --convert STAMP... | -\n"
	"       rtoffset [--host] [--from CLOCK] [--tai] --filter FORMAT [--field N]\n"
	"\n"
	"Prints the offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and CLOCK_TAI from\n"
	"CLOCK_MONOTONIC in nanoseconds, their change counter and what else\n"
	"/dev/realtime_offset tells, or converts timestamps with the offsets in force\n"
	"when each was taken (from its history of the last changes).\n"
	"\n"
	"  --json           print JSON instead of name-value lines\n"
	"  --watch          print the offsets, then again at each change, until killed\n"
	"  --history        print the changes the driver keeps, newest first\n"
	"  --metrics        print the offsets, the changes since the driver loaded\n"
	"                   and the last step of the clock in Prometheus's text\n"
	"                   format, for node_exporter's textfile collector\n"
	"  --convert STAMP...\n"
	"                   print the time of each STAMP, ISO 8601 with as many\n"
	"                   decimals as it has (nine for nanoseconds); a STAMP is\n"
	"                   integer nanoseconds or seconds with a decimal fraction;\n"
	"                   '-' reads them from standard input, one a line\n"
	"  --filter FORMAT  copy standard input to standard output, rewriting the\n"
	"                   stamps of FORMAT in each line:\n"
	"                     journal  '[ 12345.678901]' at the start of a line\n"
	"                              (journalctl -o short-monotonic)\n"
	"                     trace    the first field like '12345.678901:' (perf\n"
	"                              script -k CLOCK_MONOTONIC, ftrace with\n"
	"                              trace_clock mono)\n"
	"                     ns       field N of whitespace-separated fields,\n"
	"                              integer nanoseconds (bpftrace's nsecs)\n"
	"  --field N        the field for --filter ns, from 1 (default 1)\n"
	"  --from CLOCK     the stamps are of monotonic (default) or boottime\n"
	"  --tai            print TAI instead of UTC\n"
	"  --host           the host's clocks, not this time namespace's: for stamps\n"
	"                   the kernel makes (eBPF, perf, ftrace)\n"
	"  --help           print this\n"
	"\n"
	"dmesg's stamps and perf's and ftrace's default clock are local_clock(),\n"
	"not CLOCK_MONOTONIC: no offset converts them exactly.\n"
	"\n"
	"Exit status: 0 success; 1 bad arguments, a stamp that could not be\n"
	"converted, or output that could not be written; 2 the device is missing\n"
	"(the realtime_offset module is not loaded); 3 the device cannot be read.\n";

enum format { FMT_NONE, FMT_JOURNAL, FMT_TRACE, FMT_NS };

struct options {
	bool json, watch, history, metrics, convert, tai, host;
	clockid_t from;
	enum format format;
	long field;
};

static int device_error(void)
{
	if (errno == ENOENT) {
		fprintf(stderr, "realtime_offset module not loaded: try sudo modprobe realtime_offset\n");
		return EXIT_NO_DEVICE;
	}
	fprintf(stderr, "rtoffset: cannot read /dev/realtime_offset: %s\n", strerror(errno));
	return EXIT_DEVICE;
}

/* Once: TAI is worth nothing until something sets the kernel's TAI offset. */
static void warn_tai(bool tai_set)
{
	static bool warned;

	if (tai_set || warned)
		return;
	warned = true;
	fprintf(stderr, "rtoffset: warning: the kernel's TAI offset is not set: CLOCK_TAI "
		"equals UTC, not TAI. A clock daemon with a leap-second table sets it "
		"(chronyd with leapsectz, ntpd with leapfile: adjtimex ADJ_TAI).\n");
}

static void print_offsets(const struct rtoff_offsets *o, bool json, bool one_line)
{
	char sep = one_line ? ' ' : '\n';

	if (json) {
		printf("{\"realtime_ns\": %" PRId64 ", \"boottime_ns\": %" PRId64
		       ", \"tai_ns\": %" PRId64 ", \"changes\": %" PRIu64
		       ", \"since_ns\": %" PRId64 ", \"tai_set\": %s",
		       (int64_t)o->realtime_ns, (int64_t)o->boottime_ns, (int64_t)o->tai_ns,
		       (uint64_t)o->changes, (int64_t)o->since_ns,
		       o->flags & RTOFF_TAI_SET ? "true" : "false");
		if (o->flags & RTOFF_LEAP_ARMED)
			printf(", \"next_leap_ns\": %" PRId64, (int64_t)o->next_leap_ns);
		printf("}\n");
	} else {
		printf("realtime_ns %" PRId64 "%cboottime_ns %" PRId64 "%ctai_ns %" PRId64
		       "%cchanges %" PRIu64 "%csince_ns %" PRId64 "%ctai_set %s",
		       (int64_t)o->realtime_ns, sep, (int64_t)o->boottime_ns, sep,
		       (int64_t)o->tai_ns, sep, (uint64_t)o->changes, sep,
		       (int64_t)o->since_ns, sep, o->flags & RTOFF_TAI_SET ? "yes" : "no");
		if (o->flags & RTOFF_LEAP_ARMED)
			printf("%cnext_leap_ns %" PRId64, sep, (int64_t)o->next_leap_ns);
		printf("\n");
	}
	warn_tai(o->flags & RTOFF_TAI_SET);
	fflush(stdout);
}

static const char *cause_name(__u32 cause)
{
	static const char * const names[] = {
		"load", "step", "leap-insert", "leap-delete", "tai", "resume",
	};
	const size_t known = sizeof(names) / sizeof(names[0]);
	static char text[96];
	size_t i, len = 0;

	text[0] = '\0';
	for (i = 0; i < known; i++)
		if (cause & (1U << i))
			len += snprintf(text + len, sizeof(text) - len, "%s%s",
					len ? "+" : "", names[i]);
	/* Causes of a later kernel, by their bits. */
	if (cause >> known)
		len += snprintf(text + len, sizeof(text) - len, "%s%#x", len ? "+" : "",
				cause & ~((1U << known) - 1));
	return len ? text : "none";
}

static int print_history(const struct rtoffset *r, bool json)
{
	struct rtoff_change e[RTOFF_HISTORY_LEN];
	long n, i;

	n = rtoffset_history(r, e, RTOFF_HISTORY_LEN);
	if (n < 0)
		return device_error();
	if (json)
		printf("[");
	for (i = 0; i < n; i++) {
		if (json)
			printf("%s{\"mono_ns\": %" PRId64 ", \"realtime_ns\": %" PRId64
			       ", \"boottime_ns\": %" PRId64 ", \"tai_ns\": %" PRId64
			       ", \"changes\": %" PRIu64 ", \"cause\": \"%s\"}",
			       i ? ", " : "", (int64_t)e[i].mono_ns, (int64_t)e[i].realtime_ns,
			       (int64_t)e[i].boottime_ns, (int64_t)e[i].tai_ns,
			       (uint64_t)e[i].changes, cause_name(e[i].cause));
		else
			printf("mono_ns %" PRId64 " realtime_ns %" PRId64 " boottime_ns %" PRId64
			       " tai_ns %" PRId64 " changes %" PRIu64 " cause %s\n",
			       (int64_t)e[i].mono_ns, (int64_t)e[i].realtime_ns,
			       (int64_t)e[i].boottime_ns, (int64_t)e[i].tai_ns,
			       (uint64_t)e[i].changes, cause_name(e[i].cause));
	}
	if (json)
		printf("]\n");
	return 0;
}

/*
 * Metrics in the Prometheus text exposition format. A sample is a float64:
 * the text carries every nanosecond, and a parser keeps 53 bits of it, which
 * for a time or an offset near 1.8e9 s (UTC until 2038) is within 2^-23 s,
 * about 120 ns; beyond 2^31 s, 240 ns.
 */
static void metric_head(const char *name, const char *type, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* @ns nanoseconds as seconds, exactly, in decimal. */
static void metric_seconds(const char *name, const char *labels, int64_t ns)
{
	uint64_t abs = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	printf("%s%s %s%" PRIu64 ".%09" PRIu64 "\n", name, labels, ns < 0 ? "-" : "",
	       abs / (uint64_t)NSEC_PER_SEC, abs % (uint64_t)NSEC_PER_SEC);
}

/* A step moves REALTIME against BOOTTIME; a resume moves both alike. */
static int64_t realtime_from_boottime(const struct rtoff_change *c)
{
	return c->realtime_ns - c->boottime_ns;
}

/*
 * The newest step in the history @e of @n entries, newest first, into @step
 * with its size in @size_ns. 1 if found; 0 if none since the driver loaded;
 * -1 if unknown: the history no longer reaches back to the last step.
 */
static int last_step(const struct rtoff_change *e, long n, const struct rtoff_change **step,
		     int64_t *size_ns)
{
	long i;

	for (i = 0; i + 1 < n; i++) {
		if (realtime_from_boottime(&e[i]) != realtime_from_boottime(&e[i + 1])) {
			*step = &e[i];
			*size_ns = realtime_from_boottime(&e[i]) - realtime_from_boottime(&e[i + 1]);
			return 1;
		}
	}
	return n && e[n - 1].cause & RTOFF_CAUSE_LOAD ? 0 : -1;
}

static int print_metrics(const struct rtoffset *r)
{
	const struct rtoff_change *step = NULL;
	struct rtoff_change e[RTOFF_HISTORY_LEN], load;
	int64_t step_ns = 0;
	struct rtoff_offsets o;
	int tries = 0, found;
	bool have_load;
	long n;

	/* The offsets and the history of one state: retry across a change. */
	do {
		if (rtoffset_offsets(r, &o))
			return device_error();
		n = rtoffset_history(r, e, RTOFF_HISTORY_LEN);
		if (n < 0)
			return device_error();
	} while ((!n || e[0].changes != o.changes) && ++tries < 100);
	if (!n || e[0].changes != o.changes) {
		fprintf(stderr, "rtoffset: the offsets kept changing while read\n");
		return EXIT_DEVICE;
	}
	have_load = !rtoffset_load(r, &load);
	if (!have_load && errno != ENODATA)
		return device_error();
	found = last_step(e, n, &step, &step_ns);

	metric_head("rtoffset_offset_seconds", "gauge",
		    "The clock's offset from CLOCK_MONOTONIC: its time minus CLOCK_MONOTONIC's.");
	metric_seconds("rtoffset_offset_seconds", "{clock=\"realtime\"}", o.realtime_ns);
	metric_seconds("rtoffset_offset_seconds", "{clock=\"boottime\"}", o.boottime_ns);
	metric_seconds("rtoffset_offset_seconds", "{clock=\"tai\"}", o.tai_ns);
	if (have_load) {
		metric_head("rtoffset_changes_total", "counter",
			    "Changes of the offsets since the driver loaded.");
		printf("rtoffset_changes_total %" PRIu64 "\n", (uint64_t)(o.changes - load.changes));
		metric_head("rtoffset_load_time_seconds", "gauge",
			    "When the driver loaded, in UTC as the clock read then, in seconds since the epoch.");
		metric_seconds("rtoffset_load_time_seconds", "", load.mono_ns + load.realtime_ns);
	} else {
		fprintf(stderr, "rtoffset: the driver's load has left its history, and the page that keeps it cannot be mapped here: no rtoffset_changes_total or rtoffset_load_time_seconds\n");
	}
	if (found >= 0) {
		metric_head("rtoffset_last_step_time_seconds", "gauge",
			    "When CLOCK_REALTIME last stepped against CLOCK_BOOTTIME (set, or a leap second; a resume is no step), in UTC after the step, in seconds since the epoch; 0 if it has not since the driver loaded.");
		metric_seconds("rtoffset_last_step_time_seconds", "",
			       step ? step->mono_ns + step->realtime_ns : 0);
		metric_head("rtoffset_last_step_boottime_seconds", "gauge",
			    "CLOCK_BOOTTIME at the last step of CLOCK_REALTIME, the time since boot (suspend included): a small value is a step at boot; 0 if it has not stepped since the driver loaded.");
		metric_seconds("rtoffset_last_step_boottime_seconds", "",
			       step ? step->mono_ns + step->boottime_ns : 0);
		metric_head("rtoffset_last_step_seconds", "gauge",
			    "How far CLOCK_REALTIME moved in its last step, forward positive; 0 if it has not stepped since the driver loaded.");
		metric_seconds("rtoffset_last_step_seconds", "", step_ns);
	} else {
		fprintf(stderr, "rtoffset: the last step is older than the changes the driver keeps: no rtoffset_last_step metrics\n");
	}
	metric_head("rtoffset_tai_set", "gauge",
		    "1 if the kernel's TAI offset is set; 0 if not, and CLOCK_TAI is UTC.");
	printf("rtoffset_tai_set %d\n", !!(o.flags & RTOFF_TAI_SET));
	metric_head("rtoffset_leap_second_armed", "gauge",
		    "1 if the insertion of a leap second is armed for the coming midnight UTC.");
	printf("rtoffset_leap_second_armed %d\n", !!(o.flags & RTOFF_LEAP_ARMED));
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "rtoffset: cannot write the metrics\n");
		return EXIT_USAGE;
	}
	return 0;
}

/*
 * A stamp: an optional '-', decimal digits, and optionally '.' and 1 to 9
 * more, read as decimal digits (never through a double) into nanoseconds;
 * @decimals gets the number of digits after the point, 9 for an integer of
 * nanoseconds. 0, or -1 if @len bytes of @text are no such stamp or too big.
 */
static int parse_stamp(const char *text, size_t len, int64_t *ns, int *decimals)
{
	const char *p = text, *end = text + len;
	bool neg = false, point = false;
	int64_t whole = 0, frac = 0;
	int digits = 0, fdigits = 0;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	for (; p < end; p++) {
		if (*p == '.' && !point) {
			point = true;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			return -1;
		if (point) {
			if (++fdigits > 9)
				return -1;
			frac = frac * 10 + (*p - '0');
		} else {
			if (whole > (INT64_MAX - 9) / 10)
				return -1;
			whole = whole * 10 + (*p - '0');
			digits++;
		}
	}
	if (!digits || (point && !fdigits))
		return -1;
	if (!point) {
		*ns = neg ? -whole : whole;
		*decimals = 9;
		return 0;
	}
	*decimals = fdigits;
	while (fdigits++ < 9)
		frac *= 10;
	if (whole > (INT64_MAX - frac) / NSEC_PER_SEC)
		return -1;
	*ns = whole * NSEC_PER_SEC + frac;
	if (neg)
		*ns = -*ns;
	return 0;
}

struct converter {
	struct rtoffset *r;
	clockid_t from, to;
};

/*
 * Write the time of stamp @t into @buf: ISO 8601 with @decimals digits after
 * the point, UTC with 'Z' (a second inserted by a leap second as :60) or TAI.
 * 0, or -1 with errno: ENODATA or ERANGE for a stamp older than the history
 * (see rtoffset_at()), EOVERFLOW for one no calendar holds.
 */
static int convert(const struct converter *c, int64_t t, int decimals, char *buf, size_t size)
{
	unsigned int flags;
	int64_t ns;

	if (rtoffset_convert(c->r, c->from, t, c->to, &ns, &flags))
		return -1;
	if (c->to == CLOCK_TAI)
		warn_tai(!(flags & RTOFFSET_TAI_UNSET));
	if (rtoffset_format(ns, c->to, flags & RTOFFSET_IN_LEAP, decimals, buf, size) < 0)
		return -1;
	return 0;
}

static const char *convert_error(int err)
{
	switch (err) {
	case ENODATA:
		return "taken before the driver loaded: the offsets then are unknown";
	case ERANGE:
		return "older than the oldest change the driver keeps";
	default:
		return strerror(err);
	}
}

/* Convert one stamp to a line; 0, or -1 after a message naming @where. */
static int convert_one(const struct converter *c, const char *text, size_t len,
		       const char *where)
{
	char out[96];
	int64_t t;
	int decimals;

	if (parse_stamp(text, len, &t, &decimals)) {
		fprintf(stderr, "rtoffset: %s: not a timestamp: %.*s\n", where, (int)len, text);
		return -1;
	}
	if (convert(c, t, decimals, out, sizeof(out))) {
		fprintf(stderr, "rtoffset: %s: %.*s: %s\n", where, (int)len, text,
			convert_error(errno));
		return -1;
	}
	puts(out);
	return 0;
}

static void chomp(char *line, size_t *len)
{
	while (*len && (line[*len - 1] == '\n' || line[*len - 1] == '\r'))
		line[--*len] = '\0';
}

/* One output line per input line, flushed, so that a pipe that never ends works. */
static int convert_stdin(const struct converter *c)
{
	char *line = NULL, where[32];
	size_t cap = 0, len;
	unsigned long n = 0;
	ssize_t got;
	int ret = 0;

	while ((got = getline(&line, &cap, stdin)) >= 0) {
		char *p = line;

		len = got;
		chomp(line, &len);
		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		snprintf(where, sizeof(where), "line %lu", ++n);
		if (convert_one(c, p, len, where)) {
			putchar('\n');
			ret = EXIT_USAGE;
		}
		fflush(stdout);
	}
	free(line);
	return ret;
}

/*
 * Where the stamp of @format is in @line: its start and length, and how many
 * bytes around it the rewrite replaces. 0, or -1 if the line has none.
 */
static int find_stamp(const char *line, size_t len, const struct options *opt,
		      size_t *start, size_t *slen)
{
	size_t i = 0, f;

	switch (opt->format) {
	case FMT_JOURNAL:
		/* "[ 12345.678901]": the stamp is what the brackets hold. */
		if (!len || line[0] != '[')
			return -1;
		for (i = 1; i < len && line[i] == ' '; i++)
			;
		*start = i;
		while (i < len && line[i] != ']')
			i++;
		if (i == len)
			return -1;
		*slen = i - *start;
		return 0;
	case FMT_TRACE:
		/* The first field that is digits, '.', digits and ':'. */
		while (i < len) {
			size_t b, e;

			while (i < len && isspace((unsigned char)line[i]))
				i++;
			b = i;
			while (i < len && !isspace((unsigned char)line[i]))
				i++;
			e = i;
			if (e - b >= 4 && line[e - 1] == ':' && memchr(line + b, '.', e - b)) {
				int64_t t;
				int d;

				if (!parse_stamp(line + b, e - b - 1, &t, &d) && line[b] != '-') {
					*start = b;
					*slen = e - b - 1;
					return 0;
				}
			}
		}
		return -1;
	default:
		for (f = 1; i < len; f++) {
			size_t b;

			while (i < len && isspace((unsigned char)line[i]))
				i++;
			b = i;
			while (i < len && !isspace((unsigned char)line[i]))
				i++;
			if (f == (size_t)opt->field && i > b) {
				*start = b;
				*slen = i - b;
				return memchr(line + b, '.', i - b) ? -1 : 0;
			}
		}
		return -1;
	}
}

static int filter(const struct converter *c, const struct options *opt)
{
	char *line = NULL, out[96];
	size_t cap = 0, len, start, slen;
	unsigned long n = 0;
	ssize_t got;
	int64_t t;
	int ret = 0, decimals;

	while ((got = getline(&line, &cap, stdin)) >= 0) {
		bool nl = got && line[got - 1] == '\n';

		n++;
		len = got - nl;
		if (find_stamp(line, len, opt, &start, &slen) ||
		    parse_stamp(line + start, slen, &t, &decimals)) {
			fwrite(line, 1, got, stdout);
		} else if (convert(c, t, decimals, out, sizeof(out))) {
			fprintf(stderr, "rtoffset: line %lu: %.*s: %s; left as it is\n", n,
				(int)slen, line + start, convert_error(errno));
			fwrite(line, 1, got, stdout);
			ret = EXIT_USAGE;
		} else {
			size_t tail = start + slen;

			if (opt->format == FMT_JOURNAL)
				start = 1;	/* the padding goes too */
			fwrite(line, 1, start, stdout);
			fputs(out, stdout);
			fwrite(line + tail, 1, got - tail, stdout);
		}
		fflush(stdout);
	}
	free(line);
	return ret;
}

static int watch(const struct rtoffset *r, bool json)
{
	struct pollfd pfd = { .fd = rtoffset_fd(r), .events = POLLIN | POLLPRI };
	struct rtoff_offsets o;
	__u64 printed = 0;
	bool first = true;

	for (;;) {
		/* Marks the offsets seen: poll waits for the next change. */
		if (rtoffset_collect(r, &o))
			return device_error();
		if (!first && o.changes == printed)
			goto wait;
		first = false;
		printed = o.changes;
		print_offsets(&o, json, true);
wait:
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return device_error();
	}
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", no_argument, NULL, 'w' },
		{ "history", no_argument, NULL, 'H' },
		{ "metrics", no_argument, NULL, 'm' },
		{ "convert", no_argument, NULL, 'c' },
		{ "filter", required_argument, NULL, 'f' },
		{ "field", required_argument, NULL, 'F' },
		{ "from", required_argument, NULL, 'b' },
		{ "tai", no_argument, NULL, 't' },
		{ "host", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *end;
	int o;

	*opt = (struct options){ .from = CLOCK_MONOTONIC, .field = 1 };
	while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (o) {
		case 'j':
			opt->json = true;
			break;
		case 'w':
			opt->watch = true;
			break;
		case 'H':
			opt->history = true;
			break;
		case 'm':
			opt->metrics = true;
			break;
		case 'c':
			opt->convert = true;
			break;
		case 'f':
			if (!strcmp(optarg, "journal"))
				opt->format = FMT_JOURNAL;
			else if (!strcmp(optarg, "trace"))
				opt->format = FMT_TRACE;
			else if (!strcmp(optarg, "ns"))
				opt->format = FMT_NS;
			else
				return -1;
			break;
		case 'F':
			errno = 0;
			opt->field = strtol(optarg, &end, 10);
			if (errno || *end || opt->field < 1)
				return -1;
			break;
		case 'b':
			if (!strcmp(optarg, "monotonic"))
				opt->from = CLOCK_MONOTONIC;
			else if (!strcmp(optarg, "boottime"))
				opt->from = CLOCK_BOOTTIME;
			else
				return -1;
			break;
		case 't':
			opt->tai = true;
			break;
		case 'o':
			opt->host = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			return -1;
		}
	}
	/* One mode; stamps only with --convert; conversion options only with a conversion. */
	if (opt->watch + opt->history + opt->metrics + opt->convert +
	    (opt->format != FMT_NONE) > 1 ||
	    (optind < argc) != opt->convert ||
	    ((opt->tai || opt->from != CLOCK_MONOTONIC) && !opt->convert && !opt->format) ||
	    (opt->field != 1 && opt->format != FMT_NS) ||
	    (opt->json && (opt->metrics || opt->convert || opt->format)))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct converter c = { .to = CLOCK_REALTIME };
	struct rtoff_offsets o;
	struct options opt;
	int i, ret = 0;

	if (parse_options(argc, argv, &opt)) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}

	c.r = rtoffset_open(opt.host ? RTOFFSET_HOST : 0);
	if (!c.r) {
		if (errno != EOPNOTSUPP)
			return device_error();
		fprintf(stderr, "rtoffset: --host needs the device's page, which cannot be "
			"mapped here\n");
		return EXIT_DEVICE;
	}
	c.from = opt.from;
	if (opt.tai)
		c.to = CLOCK_TAI;

	if (opt.watch)
		return watch(c.r, opt.json);
	if (opt.history)
		return print_history(c.r, opt.json);
	if (opt.metrics)
		return print_metrics(c.r);
	if (rtoffset_offsets(c.r, &o))
		return device_error();

	if (opt.format)
		return filter(&c, &opt);
	if (opt.convert) {
		if (argc - optind == 1 && !strcmp(argv[optind], "-"))
			return convert_stdin(&c);
		for (i = optind; i < argc; i++)
			if (convert_one(&c, argv[i], strlen(argv[i]), "argument"))
				ret = EXIT_USAGE;
		return ret;
	}
	print_offsets(&o, opt.json, false);
	rtoffset_close(c.r);
	return 0;
}
