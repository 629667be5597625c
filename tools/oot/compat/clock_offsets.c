// SPDX-License-Identifier: GPL-2.0-only
/*
 * For the out-of-tree build only: clock_offsets_register_notifier() for
 * kernels without it, on the pvclock_gtod chain, with one member at a time.
 *
 * That chain runs on every timekeeper update, interrupts off, the timekeeper
 * lock held and its sequence count write-held, and passes the timekeeper as
 * it is being updated: its offsets, next leap second and monotonic base are
 * those after the update, but clock_was_set_seq is counted up only after the
 * chain ran. Registering runs the whole chain once, under the same lock, with
 * was_set. A member that returns NOTIFY_BAD (Xen dom0's does when its
 * hypercall fails) ends the walk: at INT_MAX this member runs before every
 * member that does not ask for INT_MAX itself.
 */

#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/notifier.h>
#include <linux/pvclock_gtod.h>
#include <linux/clocksource.h>
#include <linux/timekeeper_internal.h>

/*
 * The member is set before the chain is joined and cleared after it is left,
 * both under the timekeeper lock; clock_offsets_gtod() alone writes the rest.
 */
static struct notifier_block *clock_offsets_member;
static bool clock_offsets_started;
static ktime_t clock_offsets_next_leap;

/*
 * CLOCK_MONOTONIC now, from the timekeeper being updated, as the kernel's
 * timekeeping_get_ns() reads it: the chain runs right after the update set
 * cycle_last, so the delta is small. (The fast timekeeper will not do: after
 * a resume, some kernels update it only after this chain.)
 */
static ktime_t clock_offsets_mono_now(const struct tk_read_base *tkr)
{
	u64 delta = (tkr->clock->read(tkr->clock) - tkr->cycle_last) & tkr->mask;

	return ktime_add_ns(tkr->base, (delta * tkr->mult + tkr->xtime_nsec) >> tkr->shift);
}

static int clock_offsets_gtod(struct notifier_block *gtod,
			      unsigned long was_set, void *priv)
{
	struct timekeeper *tk = priv;
	struct clock_offsets co;
	unsigned long action;

	if (!clock_offsets_started) {
		/* The call of the registration itself. */
		clock_offsets_started = true;
		action = CLOCK_OFFSETS_INIT;
	} else if (was_set) {
		action = CLOCK_OFFSETS_WAS_SET;
	} else if (tk->next_leap_ktime != clock_offsets_next_leap) {
		action = CLOCK_OFFSETS_LEAP;
	} else {
		return NOTIFY_DONE;
	}

	clock_offsets_next_leap = tk->next_leap_ktime;
	co.mono = clock_offsets_mono_now(&tk->tkr_mono);
	co.offs_real = tk->offs_real;
	co.offs_boot = tk->offs_boot;
	co.offs_tai = tk->offs_tai;
	co.next_leap = tk->next_leap_ktime;
	co.clock_was_set_seq = tk->clock_was_set_seq +
			       (action == CLOCK_OFFSETS_WAS_SET);
	clock_offsets_member->notifier_call(clock_offsets_member, action, &co);
	return NOTIFY_DONE;
}

static struct notifier_block clock_offsets_gtod_nb = {
	.notifier_call	= clock_offsets_gtod,
	.priority	= INT_MAX,
};

int clock_offsets_register_notifier(struct notifier_block *nb)
{
	if (clock_offsets_member)
		return -EBUSY;

	clock_offsets_member = nb;
	clock_offsets_started = false;
	return pvclock_gtod_register_notifier(&clock_offsets_gtod_nb);
}

int clock_offsets_unregister_notifier(struct notifier_block *nb)
{
	int ret;

	if (nb != clock_offsets_member)
		return -ENOENT;

	/* Takes the timekeeper lock: no call is running once it returns. */
	ret = pvclock_gtod_unregister_notifier(&clock_offsets_gtod_nb);
	clock_offsets_member = NULL;
	return ret;
}
