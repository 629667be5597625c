// SPDX-License-Identifier: GPL-2.0
/*
 * page-holder - map /dev/realtime_offset, close the file, and keep reading
 * the page for MS milliseconds: the mapping must outlive its file, and keep
 * the module loaded, while it stays consistent. For lifecycle-test.
 *
 * Prints "mapped" once the file is closed. Exit status: 0 the page read well
 * throughout; 1 it did not; 2 bad arguments; 3 the device could not be mapped.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rtoff.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	const struct rtoff_page *page;
	struct rtoff_offsets o;
	long long end;
	__u64 seq;
	char *rest;
	long ms;
	int fd;

	ms = argc == 2 ? strtol(argv[1], &rest, 10) : -1;
	if (ms < 0 || *rest) {
		fprintf(stderr, "usage: page-holder MS\n");
		return 2;
	}
	fd = open(RTOFF_PATH, O_RDONLY);
	if (fd < 0)
		return 3;
	page = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (page == MAP_FAILED)
		return 3;
	printf("mapped\n");
	fflush(stdout);

	rtoff_read_page(page, &o);
	seq = o.changes;
	for (end = now_ms() + ms; now_ms() < end;) {
		rtoff_read_page(page, &o);
		/* seq only grows; the offsets are clock minus MONOTONIC, all > 0 */
		if (o.changes < seq || o.realtime_ns <= 0 || o.tai_ns < o.realtime_ns ||
		    o.boottime_ns < 0 || o.reserved) {
			fprintf(stderr, "page-holder: bad page: seq %llu\n",
				(unsigned long long)o.changes);
			return 1;
		}
		seq = o.changes;
	}
	return 0;
}
