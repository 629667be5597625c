// SPDX-License-Identifier: GPL-2.0
/*
 * bench - what reading the clocks' offsets costs, each way, measured in one
 * run; what looking up the offsets in force at an earlier instant costs, in a
 * full history; how far off the user-space sandwich of clock reads is; and
 * how soon a clock step wakes a poller of the device, beside timerfd's
 * CANCEL_ON_SET.
 *
 * With --native it times only the user-space paths (the page reader over an
 * ordinary page of the same layout, and the vDSO), so that they can be run on
 * a machine without the driver; in a guest under TCG the vDSO is emulated and
 * its figures mean little. The lookups always run over an ordinary page whose
 * history is full: the device's may not be.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "rtoff.h"

#define NSEC_PER_SEC	1000000000LL
#define BATCHES		200
#define STEPS		200

static const char usage[] =
	"usage: bench [--native] [--accel NAME] [--help]\n"
	"\n"
	"Prints ns/op (median and p99 of %d batches) of each way to read the\n"
	"offsets, the sandwich method's error, and the wakeup latency after a\n"
	"clock step (needs root: it steps CLOCK_REALTIME and puts it back).\n"
	"  --native      user-space paths only, over an ordinary page\n"
	"  --accel NAME  how the machine runs (native, kvm, tcg), for the table\n";

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stats {
	double median;
	double p99;
	double max;
};

static struct stats stats_of(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return (struct stats){ v[n / 2], v[(n * 99) / 100], v[n - 1] };
}

/* Each path: one operation, many times per batch. */
struct path {
	const char *name;
	void (*op)(void);
	struct stats ns;
};

static struct rtoff r;
static struct rtoff_page ordinary_page;
static const struct rtoff_page *page;
static int zero_fd;
static volatile int64_t sink;

static void op_page(void)
{
	struct rtoff_offsets o;

	rtoff_read_page(page, &o);
	sink += o.realtime_ns + o.boottime_ns + o.tai_ns;
}

static void op_ioctl(void)
{
	struct rtoff_offsets o;

	ioctl(r.fd, RTOFF_IOC_GET_OFFSETS, &o);
	sink += o.realtime_ns;
}

static void op_pread(void)
{
	char line[32];

	sink += pread(r.fd, line, sizeof(line), 0);
}

static void op_vdso(void)
{
	sink += now_ns(CLOCK_MONOTONIC);
}

static void op_sandwich2(void)
{
	int64_t real = now_ns(CLOCK_REALTIME);

	sink += real - now_ns(CLOCK_MONOTONIC);
}

static void op_sandwich3(void)
{
	int64_t m1 = now_ns(CLOCK_MONOTONIC), real = now_ns(CLOCK_REALTIME);

	sink += real - (m1 + now_ns(CLOCK_MONOTONIC)) / 2;
}

/* A page of the same layout with a full history, a change a second. */
static struct rtoff_page ring_page;
static struct rtoff ring = { .fd = -1, .page = &ring_page };
static int64_t at_now, at_middle, at_oldest;

static void fill_ring(void)
{
	__u64 count = 3 * RTOFF_HISTORY_LEN + 5, j;

	ring_page.size = sizeof(ring_page);
	ring_page.history_count = count;
	for (j = count - RTOFF_HISTORY_LEN; j < count; j++) {
		struct rtoff_change *e = &ring_page.history[j % RTOFF_HISTORY_LEN];

		e->mono_ns = (int64_t)(j + 1) * NSEC_PER_SEC;
		e->realtime_ns = 1700000000 * NSEC_PER_SEC + (int64_t)j * 1000;
		e->tai_ns = e->realtime_ns + 37 * NSEC_PER_SEC;
		e->changes = j;
		e->cause = RTOFF_CAUSE_STEP;
	}
	at_oldest = (int64_t)(count - RTOFF_HISTORY_LEN + 1) * NSEC_PER_SEC;
	at_middle = at_oldest + RTOFF_HISTORY_LEN / 2 * NSEC_PER_SEC + NSEC_PER_SEC / 2;
	at_now = (int64_t)count * NSEC_PER_SEC + 10 * NSEC_PER_SEC;
	/*
	 * ring is static and never written: the compiler would fold its page's
	 * address and its all-zero time namespace shift into the lookups, as it
	 * cannot for a struct rtoff that rtoff_open() filled. Hide its value.
	 */
	__asm__ volatile("" : "+m" (ring));
}

static void lookup(int64_t t)
{
	struct rtoff_change c;

	if (rtoff_at(&ring, CLOCK_MONOTONIC, t, &c))
		abort();
	sink += c.realtime_ns + c.boottime_ns + c.tai_ns;
}

static void op_at_now(void)
{
	lookup(at_now);
}

static void op_at_middle(void)
{
	lookup(at_middle);
}

static void op_at_oldest(void)
{
	lookup(at_oldest);
}

static void op_getppid(void)
{
	sink += getppid();
}

static void op_zero(void)
{
	char buf[32];

	sink += pread(zero_fd, buf, sizeof(buf), 0);
}

static void measure(struct path *p)
{
	static double per_op[BATCHES];
	int64_t start;
	int b, i, n = 1000;

	for (b = 0; b < BATCHES; b++) {
		start = now_ns(CLOCK_MONOTONIC);
		for (i = 0; i < n; i++)
			p->op();
		per_op[b] = (double)(now_ns(CLOCK_MONOTONIC) - start) / n;
	}
	p->ns = stats_of(per_op, BATCHES);
}

/* The sandwich's error against the exact offset, in ns. */
static void sandwich_error(bool three, struct stats *err)
{
	static double e[BATCHES * 50];
	struct rtoff_offsets o;
	int64_t est;
	int i;

	for (i = 0; i < BATCHES * 50; i++) {
		rtoff_read(&r, &o);
		if (three) {
			int64_t m1 = now_ns(CLOCK_MONOTONIC), real = now_ns(CLOCK_REALTIME);

			est = real - (m1 + now_ns(CLOCK_MONOTONIC)) / 2;
		} else {
			int64_t real = now_ns(CLOCK_REALTIME);

			est = real - now_ns(CLOCK_MONOTONIC);
		}
		e[i] = llabs(est - o.realtime_ns);
	}
	*err = stats_of(e, BATCHES * 50);
}

/* A thread blocked in epoll_wait() notes when it wakes. */
struct waker {
	int epfd;
	int64_t woke;
};

static void *waker_main(void *arg)
{
	struct waker *w = arg;
	struct epoll_event ev;

	epoll_wait(w->epfd, &ev, 1, 5000);
	w->woke = now_ns(CLOCK_MONOTONIC);
	return NULL;
}

static void arm_timerfd(int tfd)
{
	struct itimerspec far = { .it_value = { .tv_sec = now_ns(CLOCK_REALTIME) / NSEC_PER_SEC + 86400 } };

	timerfd_settime(tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &far, NULL);
}

/* Step the clock STEPS times; the wakeup latency of fd, or -1 if no root. */
static int wake_latency(int fd, bool timerfd, struct stats *lat)
{
	static double l[STEPS];
	struct epoll_event ev = { .events = EPOLLIN | EPOLLPRI };
	struct rtoff_offsets o;
	struct timespec ts;
	struct waker w;
	pthread_t thread;
	uint64_t expirations;
	int64_t returned;
	int i;

	w.epfd = epoll_create1(0);
	epoll_ctl(w.epfd, EPOLL_CTL_ADD, fd, &ev);
	for (i = 0; i < STEPS; i++) {
		if (timerfd) {
			if (read(fd, &expirations, sizeof(expirations)) < 0 && errno != ECANCELED &&
			    errno != EAGAIN)
				return -1;
			arm_timerfd(fd);
		} else {
			ioctl(fd, RTOFF_IOC_GET_OFFSETS, &o);
		}
		pthread_create(&thread, NULL, waker_main, &w);
		usleep(2000);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += i & 1 ? -1 : 1;
		if (clock_settime(CLOCK_REALTIME, &ts)) {
			pthread_cancel(thread);
			pthread_join(thread, NULL);
			return -1;
		}
		returned = now_ns(CLOCK_MONOTONIC);
		pthread_join(thread, NULL);
		l[i] = w.woke > returned ? w.woke - returned : 0;
	}
	close(w.epfd);
	*lat = stats_of(l, STEPS);
	return 0;
}

static void cpu_model(char *model, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(model, size, "unknown CPU");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(model, size, "%s", strchr(line, ':') + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

static void row(const struct path *p, const struct path *yardstick)
{
	printf("| %-34s | %9.1f | %9.1f |", p->name, p->ns.median, p->ns.p99);
	if (yardstick)
		printf(" %5.2f x %s", p->ns.median / yardstick->ns.median, yardstick->name);
	printf("\n");
}

int main(int argc, char **argv)
{
	struct path paths[] = {
		{ .name = "mmap page, three offsets", .op = op_page },
		{ .name = "ioctl RTOFF_IOC_GET_OFFSETS", .op = op_ioctl },
		{ .name = "pread() of the text", .op = op_pread },
		{ .name = "vDSO clock_gettime(MONOTONIC)", .op = op_vdso },
		{ .name = "sandwich, 2 vDSO calls", .op = op_sandwich2 },
		{ .name = "sandwich, 3 vDSO calls", .op = op_sandwich3 },
		{ .name = "getppid()", .op = op_getppid },
		{ .name = "pread() 32 bytes of /dev/zero", .op = op_zero },
		{ .name = "offsets at T: T now", .op = op_at_now },
		{ .name = "offsets at T: middle of the ring", .op = op_at_middle },
		{ .name = "offsets at T: oldest change kept", .op = op_at_oldest },
	};
	enum { PAGE, IOCTL, PREAD, VDSO, SW2, SW3, GETPPID, ZERO, AT_NOW, AT_MIDDLE, AT_OLDEST };
	const char *accel = "native";
	struct stats err2, err3, ours, tfd_lat;
	bool native = false;
	struct utsname uts;
	char model[128];
	int opt, tfd, i;

	static const struct option options[] = {
		{ "native", no_argument, NULL, 'n' },
		{ "accel", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	while ((opt = getopt_long(argc, argv, "na:h", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			native = true;
			break;
		case 'a':
			accel = optarg;
			break;
		case 'h':
			printf(usage, BATCHES);
			return 0;
		default:
			fprintf(stderr, usage, BATCHES);
			return 1;
		}
	}

	uname(&uts);
	cpu_model(model, sizeof(model));
	printf("\n### %s, %s, %s%s\n\n", uts.release, model, accel,
	       native ? " (user-space paths over an ordinary page)" : "");
	printf("| %-34s | %9s | %9s | ratio\n", "path", "median ns", "p99 ns");
	printf("|%s|-----------|-----------|------\n", "------------------------------------");

	fill_ring();
	if (native) {
		page = &ordinary_page;
		for (i = PAGE; i <= AT_OLDEST; i++) {
			if (i == IOCTL || i == PREAD || i == GETPPID || i == ZERO)
				continue;
			measure(&paths[i]);
		}
		row(&paths[PAGE], &paths[VDSO]);
		for (i = AT_NOW; i <= AT_OLDEST; i++)
			row(&paths[i], &paths[PAGE]);
		row(&paths[VDSO], NULL);
		row(&paths[SW2], &paths[VDSO]);
		row(&paths[SW3], &paths[VDSO]);
		return 0;
	}

	if (rtoff_open(&r) || !r.page) {
		fprintf(stderr, "bench: cannot open and map %s: %s\n", RTOFF_PATH, strerror(errno));
		return 1;
	}
	page = r.page;
	zero_fd = open("/dev/zero", O_RDONLY);
	for (i = 0; i < (int)(sizeof(paths) / sizeof(paths[0])); i++)
		measure(&paths[i]);
	row(&paths[PAGE], &paths[VDSO]);
	for (i = AT_NOW; i <= AT_OLDEST; i++)
		row(&paths[i], &paths[PAGE]);
	row(&paths[IOCTL], &paths[GETPPID]);
	row(&paths[PREAD], &paths[ZERO]);
	row(&paths[VDSO], NULL);
	row(&paths[SW2], &paths[VDSO]);
	row(&paths[SW3], &paths[VDSO]);
	row(&paths[GETPPID], NULL);
	row(&paths[ZERO], NULL);

	sandwich_error(false, &err2);
	sandwich_error(true, &err3);
	printf("\nSandwich error against the exact offset (ns): 2 calls median %.0f, p99 %.0f, "
	       "max %.0f; 3 calls median %.0f, p99 %.0f, max %.0f\n",
	       err2.median, err2.p99, err2.max, err3.median, err3.p99, err3.max);

	tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	arm_timerfd(tfd);
	if (wake_latency(r.fd, false, &ours) || wake_latency(tfd, true, &tfd_lat)) {
		printf("\nWakeup latency: not measured (stepping the clock needs CAP_SYS_TIME)\n");
		return 0;
	}
	printf("\nWakeup after clock_settime() returns, %d steps (us): realtime_offset p50 %.1f, "
	       "p99 %.1f; timerfd CANCEL_ON_SET p50 %.1f, p99 %.1f; p99 ratio %.2f\n",
	       STEPS, ours.median / 1000, ours.p99 / 1000, tfd_lat.median / 1000,
	       tfd_lat.p99 / 1000, ours.p99 / (tfd_lat.p99 ? tfd_lat.p99 : 1));
	return 0;
}
