// SPDX-License-Identifier: GPL-2.0-only
/*
 * realtime_offset - the offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and CLOCK_TAI
 * from CLOCK_MONOTONIC
 *
 * Programs that timestamp events with CLOCK_MONOTONIC turn the stamps into
 * wall-clock time by adding CLOCK_REALTIME - CLOCK_MONOTONIC. Reading both
 * clocks and subtracting is racy: the reads are apart in time and a clock step
 * can fall between them. The timekeeper holds the offsets and changes them only
 * when a clock is stepped. This device hands them out exactly, as seen from the
 * reader's time namespace, with a count of their changes, and wakes pollers the
 * moment they change.
 */

#include <linux/atomic.h>
#include <linux/cacheinfo.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/math64.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/poll.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <uapi/linux/realtime_offset.h>

#define RTOFF_NAME	"realtime_offset"

/* Room for "-9223372036854775808\n" and the NUL that scnprintf() writes. */
#define RTOFF_LINE_SIZE	22

#define RTOFF_EPOLL	(EPOLLIN | EPOLLPRI | EPOLLRDNORM)

/*
 * The timekeeper's offsets as of its last update, a count of their changes
 * and their history, in the page that mmap() hands out; the kernel reads them
 * there too. Only rtoff_offsets_changed() writes it, and the timekeeper calls
 * it with its own lock held: that serialises the writers. Readers follow the
 * protocol documented at struct rtoff_page: rtoff_read_begin() and
 * rtoff_read_retry().
 */
static struct rtoff_page *rtoff_page;

static struct page *rtoff_pages[1];

static DECLARE_WAIT_QUEUE_HEAD(rtoff_wait);

/* One per open file. */
struct rtoff_file {
	struct mutex	lock;		/* protects line and len */
	char		line[RTOFF_LINE_SIZE];
	size_t		len;		/* 0 until the first snapshot */
	atomic64_t	seen;		/* changes of the offsets last read */
};

static void rtoff_wake(struct irq_work *work)
{
	wake_up_interruptible_poll(&rtoff_wait, RTOFF_EPOLL);
}

/*
 * Not IRQ_WORK_HARD_IRQ: on PREEMPT_RT plain irq_work runs in a thread, where
 * wake_up() may take its sleeping lock.
 */
static DEFINE_IRQ_WORK(rtoff_wake_work, rtoff_wake);

static void rtoff_write_begin(void)
{
	/* The sequence count is odd while the page is written. */
	WRITE_ONCE(rtoff_page->seq, rtoff_page->seq + 1);
	smp_wmb(); /* odd seq before the data; pairs with rtoff_read_retry() */
}

static void rtoff_write_end(void)
{
	smp_wmb(); /* the data before even seq; pairs with rtoff_read_begin() */
	WRITE_ONCE(rtoff_page->seq, rtoff_page->seq + 1);
}

/*
 * What made a change, as the offsets show it: time asleep moves REALTIME,
 * BOOTTIME and TAI alike; a leap second moves REALTIME by a second and TAI
 * not at all (the TAI offset moves the other way); a step moves REALTIME and
 * TAI alike; ADJ_TAI moves TAI alone. adjtimex() makes one update of each
 * kind it is asked for, so one change has at most asleep time and one other.
 */
static u32 rtoff_cause(const struct rtoff_offsets *old, s64 real, s64 boot, s64 tai)
{
	s64 d_real = real - old->realtime_ns;
	s64 d_boot = boot - old->boottime_ns;
	s64 d_tai = tai - old->tai_ns;
	u32 cause = 0;

	if (d_boot) {
		cause |= RTOFF_CAUSE_RESUME;
		d_real -= d_boot;
		d_tai -= d_boot;
	}
	if (!d_tai && (d_real == NSEC_PER_SEC || d_real == -NSEC_PER_SEC))
		return cause | (d_real < 0 ? RTOFF_CAUSE_LEAP_INSERT : RTOFF_CAUSE_LEAP_DELETE);
	if (d_real)
		cause |= RTOFF_CAUSE_STEP;
	if (d_tai != d_real)
		cause |= RTOFF_CAUSE_TAI;
	return cause;
}

/*
 * The CLOCK_MONOTONIC instant of a leap second, given the update that made it
 * (at @mono, within a day of it) and REALTIME's offset before it. Leap seconds
 * end a UTC day: an insertion sets REALTIME back when it reaches midnight, a
 * deletion sets it on when it reaches 23:59:59. (An armed insertion's instant
 * is known ahead; a deletion's is not.)
 */
static s64 rtoff_leap_instant(s64 mono, s64 old_real, bool insert)
{
	const s64 day = 86400LL * NSEC_PER_SEC;
	s64 utc = mono + old_real + (insert ? 0 : NSEC_PER_SEC);
	s64 days = div64_s64(utc, day);

	/* Rounded down, before 1970 too. */
	if (days * day > utc)
		days--;
	return days * day - (insert ? 0 : NSEC_PER_SEC) - old_real;
}

/*
 * Called by the timekeeper at registration and after each update that set the
 * clock or armed or disarmed a leap second, with interrupts off and its lock
 * held: no clock reads and no wakeups in here. Some of those updates move no
 * offset: they add no history and wake nobody.
 */
static int rtoff_offsets_changed(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	const struct clock_offsets *co = data;
	struct rtoff_offsets *cur = &rtoff_page->offsets;
	s64 real = ktime_to_ns(co->offs_real);
	s64 boot = ktime_to_ns(co->offs_boot);
	s64 tai = ktime_to_ns(co->offs_tai);
	s64 next_leap = 0, at = ktime_to_ns(co->mono);
	struct rtoff_change *entry;
	u32 flags = 0, cause;
	u64 count;

	/* Unset, TAI - UTC is 0, or a second off it after a leap second. */
	if (tai - real >= 10 * NSEC_PER_SEC)
		flags |= RTOFF_TAI_SET;
	if (co->next_leap != KTIME_MAX) {
		flags |= RTOFF_LEAP_ARMED;
		next_leap = ktime_to_ns(co->next_leap);
	}

	if (action != CLOCK_OFFSETS_INIT && real == cur->realtime_ns &&
	    boot == cur->boottime_ns && tai == cur->tai_ns) {
		if (flags != cur->flags || next_leap != cur->next_leap_ns) {
			rtoff_write_begin();
			WRITE_ONCE(cur->flags, flags);
			WRITE_ONCE(cur->next_leap_ns, next_leap);
			rtoff_write_end();
		}
		return NOTIFY_DONE;
	}

	if (action == CLOCK_OFFSETS_INIT) {
		cause = RTOFF_CAUSE_LOAD;
	} else {
		cause = rtoff_cause(cur, real, boot, tai);
		if (cause & RTOFF_CAUSE_LEAP_INSERT && cur->flags & RTOFF_LEAP_ARMED)
			at = cur->next_leap_ns;
		else if (cause & (RTOFF_CAUSE_LEAP_INSERT | RTOFF_CAUSE_LEAP_DELETE))
			at = rtoff_leap_instant(at, cur->realtime_ns,
						cause & RTOFF_CAUSE_LEAP_INSERT);
		/*
		 * A leap second is applied by the first tick after its second
		 * boundary: a change made in between (ADJ_TAI at midnight) is
		 * in the history before it. Keep the instants in order.
		 */
		at = max(at, cur->since_ns);
	}

	count = rtoff_page->history_count;
	entry = &rtoff_page->history[count % RTOFF_HISTORY_LEN];

	rtoff_write_begin();
	WRITE_ONCE(cur->flags, flags);
	WRITE_ONCE(cur->changes, cur->changes + 1);
	WRITE_ONCE(cur->realtime_ns, real);
	WRITE_ONCE(cur->boottime_ns, boot);
	WRITE_ONCE(cur->tai_ns, tai);
	WRITE_ONCE(cur->since_ns, at);
	WRITE_ONCE(cur->next_leap_ns, next_leap);
	WRITE_ONCE(entry->mono_ns, at);
	WRITE_ONCE(entry->realtime_ns, real);
	WRITE_ONCE(entry->boottime_ns, boot);
	WRITE_ONCE(entry->tai_ns, tai);
	WRITE_ONCE(entry->changes, cur->changes);
	WRITE_ONCE(entry->cause, cause);
	WRITE_ONCE(rtoff_page->history_count, count + 1);
	rtoff_write_end();

	irq_work_queue(&rtoff_wake_work);
	return NOTIFY_OK;
}

static struct notifier_block rtoff_notifier = {
	.notifier_call	= rtoff_offsets_changed,
};

static u32 rtoff_read_begin(void)
{
	u32 seq;

	/* The writer runs with interrupts off: the wait is short. */
	while ((seq = READ_ONCE(rtoff_page->seq)) & 1)
		cpu_relax();
	smp_rmb(); /* seq before the data; pairs with rtoff_write_end() */
	return seq;
}

static bool rtoff_read_retry(u32 seq)
{
	smp_rmb(); /* the data before seq; pairs with rtoff_write_begin() */
	return READ_ONCE(rtoff_page->seq) != seq;
}

static u64 rtoff_changes(void)
{
	u64 changes;
	u32 seq;

	do {
		seq = rtoff_read_begin();
		changes = READ_ONCE(rtoff_page->offsets.changes);
	} while (rtoff_read_retry(seq));

	return changes;
}

/*
 * REALTIME and TAI are not namespaced; MONOTONIC and BOOTTIME are. For a task
 * whose time namespace moves MONOTONIC by m and BOOTTIME by b, the offsets are
 * offs_real - m, offs_boot + b - m and offs_tai - m, and a CLOCK_MONOTONIC
 * instant is the host's + m. A task can setns() into another time namespace
 * at any time, so look it up on every call.
 */
struct rtoff_timens {
	s64	mono;	/* m */
	s64	boot;	/* b */
};

static void rtoff_get_timens(struct rtoff_timens *tn)
{
	struct timespec64 mono = {}, boot = {};

	timens_add_monotonic(&mono);
	timens_add_boottime(&boot);
	tn->mono = timespec64_to_ns(&mono);
	tn->boot = timespec64_to_ns(&boot);
}

static void rtoff_get_offsets(struct rtoff_offsets *offsets)
{
	const struct rtoff_offsets *page = &rtoff_page->offsets;
	struct rtoff_timens tn;
	u32 seq;

	memset(offsets, 0, sizeof(*offsets));
	do {
		seq = rtoff_read_begin();
		offsets->flags = READ_ONCE(page->flags);
		offsets->changes = READ_ONCE(page->changes);
		offsets->realtime_ns = READ_ONCE(page->realtime_ns);
		offsets->boottime_ns = READ_ONCE(page->boottime_ns);
		offsets->tai_ns = READ_ONCE(page->tai_ns);
		offsets->since_ns = READ_ONCE(page->since_ns);
		offsets->next_leap_ns = READ_ONCE(page->next_leap_ns);
	} while (rtoff_read_retry(seq));

	rtoff_get_timens(&tn);
	offsets->size = sizeof(*offsets);
	offsets->realtime_ns -= tn.mono;
	offsets->boottime_ns += tn.boot - tn.mono;
	offsets->tai_ns -= tn.mono;
	offsets->since_ns += tn.mono;
	if (offsets->flags & RTOFF_LEAP_ARMED)
		offsets->next_leap_ns += tn.mono;
}

/*
 * Readers of one file can finish out of order, the one with the older offsets
 * last: the file has read the newer ones all the same, so seen only moves
 * forward (changes wraps after 2^64 of them).
 */
static void rtoff_mark_seen(struct rtoff_file *rf, u64 changes)
{
	s64 seen = atomic64_read(&rf->seen);

	do {
		if ((s64)(changes - seen) <= 0)
			return;
	} while (!atomic64_try_cmpxchg(&rf->seen, &seen, changes));
}

static int rtoff_open(struct inode *inode, struct file *file)
{
	struct rtoff_file *rf;

	/* The node is 0444, which does not stop CAP_DAC_OVERRIDE. */
	if (file->f_mode & FMODE_WRITE)
		return -EACCES;

	rf = kzalloc_obj(*rf);
	if (!rf)
		return -ENOMEM;

	mutex_init(&rf->lock);
	atomic64_set(&rf->seen, rtoff_changes());
	file->private_data = rf;
	return 0;
}

static int rtoff_release(struct inode *inode, struct file *file)
{
	struct rtoff_file *rf = file->private_data;

	mutex_destroy(&rf->lock);
	kfree(rf);
	return 0;
}

/*
 * One call per read(), pread() or readv(), whatever the number of its
 * buffers: a readv() into pieces is one value.
 */
static ssize_t rtoff_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct rtoff_file *rf = file->private_data;
	struct rtoff_offsets offsets;
	char line[RTOFF_LINE_SIZE];
	loff_t pos = iocb->ki_pos;
	bool snapshot = false;
	size_t len, n;
	u64 changes = 0;

	if (pos < 0)
		return -EINVAL;

	/*
	 * A read at position 0 takes a new snapshot, which the reads that go
	 * on from there continue, so that a line read in pieces is never a
	 * mix of two values. A pread() at 0 while the file's position is
	 * further on comes from another user of a shared file (a thread, a
	 * forked child): it gets a new value of its own and leaves the file's
	 * snapshot alone. Copy out of the lock, so that a reader whose buffer
	 * faults slowly holds up no other reader of the file.
	 */
	mutex_lock(&rf->lock);
	if (pos == 0 || !rf->len) {
		rtoff_get_offsets(&offsets);
		len = scnprintf(line, sizeof(line), "%lld\n", offsets.realtime_ns);
		changes = offsets.changes;
		snapshot = true;
		/*
		 * f_pos is read without f_pos_lock: a read() racing with
		 * this one in another thread races for that position anyway.
		 */
		if (pos || !data_race(file->f_pos)) {
			memcpy(rf->line, line, len);
			rf->len = len;
		}
	} else {
		len = rf->len;
		memcpy(line, rf->line, len);
	}
	mutex_unlock(&rf->lock);

	if (pos >= len || !iov_iter_count(to))
		return 0;
	n = copy_to_iter(line + pos, len - pos, to);
	if (!n)
		return -EFAULT;
	iocb->ki_pos = pos + n;
	/* Only offsets that reached the reader count as read. */
	if (snapshot)
		rtoff_mark_seen(rf, changes);
	return n;
}

static __poll_t rtoff_poll(struct file *file, poll_table *wait)
{
	struct rtoff_file *rf = file->private_data;

	/*
	 * On the wait queue before looking at changes: a change after the look
	 * wakes us, one before it is seen. The wait queue's lock, taken by
	 * poll_wait() here and by the wakeup in rtoff_wake(), orders the two;
	 * irq_work's own barriers order the page's update before rtoff_wake().
	 */
	poll_wait(file, &rtoff_wait, wait);
	return rtoff_changes() != atomic64_read(&rf->seen) ? RTOFF_EPOLL : 0;
}

/*
 * The size is the command's: that of the structure the program was built
 * with, which may be larger than this kernel's (a later header) or smaller
 * (an earlier one, once the structure has grown).
 */
static long rtoff_get_offsets_ioctl(struct rtoff_file *rf, void __user *argp,
				    size_t size)
{
	struct rtoff_offsets offsets;
	size_t len = min(size, sizeof(offsets));

	rtoff_get_offsets(&offsets);
	offsets.size = len;
	if (copy_to_user(argp, &offsets, len))
		return -EFAULT;
	if (size > len && clear_user(argp + len, size - len))
		return -EFAULT;

	rtoff_mark_seen(rf, offsets.changes);
	return 0;
}

/* @n entries, newest first, in the caller's time namespace, @size bytes apart. */
static int rtoff_copy_history(struct rtoff_change __user *to, size_t size,
			      struct rtoff_change *e, u32 n)
{
	struct rtoff_timens tn;
	u32 i;

	rtoff_get_timens(&tn);
	for (i = 0; i < n; i++, e++) {
		e->mono_ns += tn.mono;
		e->realtime_ns -= tn.mono;
		e->boottime_ns += tn.boot - tn.mono;
		e->tai_ns -= tn.mono;
		if (copy_to_user(to, e, sizeof(*e)))
			return -EFAULT;
		if (size > sizeof(*e) &&
		    clear_user((void __user *)to + sizeof(*e), size - sizeof(*e)))
			return -EFAULT;
		to = (void __user *)to + size;
	}
	return 0;
}

static long rtoff_get_history_ioctl(struct rtoff_history __user *argp)
{
	struct rtoff_history hist;
	struct rtoff_change *entries;
	u32 n, i, seq;
	u64 count;
	int ret;

	if (copy_from_user(&hist, argp, sizeof(hist)))
		return -EFAULT;
	if (hist.reserved[0] || hist.reserved[1] ||
	    hist.entry_size < sizeof(*entries) || hist.entry_size > PAGE_SIZE)
		return -EINVAL;

	entries = kmalloc_objs(*entries, RTOFF_HISTORY_LEN);
	if (!entries)
		return -ENOMEM;

	do {
		seq = rtoff_read_begin();
		count = READ_ONCE(rtoff_page->history_count);
		n = min_t(u64, min_t(u32, hist.count, RTOFF_HISTORY_LEN), count);
		for (i = 0; i < n; i++) {
			const struct rtoff_change *e =
				&rtoff_page->history[(count - 1 - i) % RTOFF_HISTORY_LEN];

			/* The writer may overwrite it meanwhile: the retry catches that. */
			data_race(memcpy(&entries[i], e, sizeof(*e)));
		}
	} while (rtoff_read_retry(seq));

	ret = rtoff_copy_history(u64_to_user_ptr(hist.entries), hist.entry_size, entries, n);
	kfree(entries);
	if (ret)
		return ret;

	return put_user(n, &argp->count);
}

static long rtoff_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct rtoff_file *rf = file->private_data;
	void __user *argp = (void __user *)arg;

	/* RTOFF_IOC_GET_OFFSETS, of any version of the structure. */
	if (_IOC_TYPE(cmd) == RTOFF_IOC_MAGIC &&
	    _IOC_NR(cmd) == _IOC_NR(RTOFF_IOC_GET_OFFSETS) &&
	    _IOC_DIR(cmd) == _IOC_READ &&
	    _IOC_SIZE(cmd) >= RTOFF_OFFSETS_SIZE_VER0)
		return rtoff_get_offsets_ioctl(rf, argp, _IOC_SIZE(cmd));

	switch (cmd) {
	case RTOFF_IOC_GET_HISTORY:
		return rtoff_get_history_ioctl(argp);
	default:
		return -ENOIOCTLCMD;
	}
}

/*
 * The page is read-only for everybody: no writable or executable mapping, now
 * or by a later mprotect(), and it holds nothing but struct rtoff_page. That
 * includes tasks with the READ_IMPLIES_EXEC personality, whose PROT_READ
 * mappings are asked for with PROT_EXEC: they use the ioctl.
 */
static int rtoff_mmap_prepare(struct vm_area_desc *desc)
{
	/*
	 * Where the data cache aliases, the user mapping can keep stale lines
	 * of the page that the kernel writes through its own mapping: a
	 * reader would see old offsets, or spin on an old odd lock. There,
	 * readers use the ioctl.
	 */
	if (cpu_dcache_is_aliasing())
		return -ENODEV;
	if (desc->pgoff || vma_desc_pages(desc) != 1)
		return -EINVAL;
	if (vma_desc_test_any(desc, VMA_WRITE_BIT, VMA_EXEC_BIT))
		return -EPERM;

	vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
	vma_desc_clear_flags(desc, VMA_MAYWRITE_BIT, VMA_MAYEXEC_BIT);
	mmap_action_map_kernel_pages_full(desc, rtoff_pages);
	return 0;
}

static const struct file_operations rtoff_fops = {
	.owner		= THIS_MODULE,
	.open		= rtoff_open,
	.release	= rtoff_release,
	.read_iter	= rtoff_read_iter,
	.poll		= rtoff_poll,
	.mmap_prepare	= rtoff_mmap_prepare,
	.unlocked_ioctl	= rtoff_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= default_llseek,
};

static struct miscdevice rtoff_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= RTOFF_NAME,
	.fops		= &rtoff_fops,
	.mode		= 0444,
};

static int __init rtoff_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct rtoff_page) > PAGE_SIZE);
	/* Ring indices are taken modulo its length: no 64-bit division. */
	BUILD_BUG_ON(!is_power_of_2(RTOFF_HISTORY_LEN));
	BUILD_BUG_ON(sizeof(struct rtoff_offsets) != RTOFF_OFFSETS_SIZE_VER0);
	rtoff_page = (struct rtoff_page *)get_zeroed_page(GFP_KERNEL);
	if (!rtoff_page)
		return -ENOMEM;

	rtoff_pages[0] = virt_to_page(rtoff_page);
	/* Arbitrary, so that nobody takes changes for a count since boot. */
	rtoff_page->offsets.changes = get_random_u32();
	rtoff_page->offsets.size = sizeof(rtoff_page->offsets);
	rtoff_page->size = sizeof(*rtoff_page);

	/* Registering runs the notifier once: the offsets are in before open. */
	ret = clock_offsets_register_notifier(&rtoff_notifier);
	if (ret)
		goto out_free_page;
	/*
	 * Kept for good: the ring overwrites the load's entry in time. No
	 * reader yet, and the writer does not touch either before 64 changes.
	 */
	rtoff_page->load = rtoff_page->history[0];

	ret = misc_register(&rtoff_misc);
	if (ret)
		goto out_unregister_notifier;

	return 0;

out_unregister_notifier:
	clock_offsets_unregister_notifier(&rtoff_notifier);
	irq_work_sync(&rtoff_wake_work);
out_free_page:
	free_page((unsigned long)rtoff_page);
	return ret;
}

static void __exit rtoff_exit(void)
{
	misc_deregister(&rtoff_misc);
	clock_offsets_unregister_notifier(&rtoff_notifier);
	/* The last change may still have its wakeup queued. */
	irq_work_sync(&rtoff_wake_work);
	/* Mappings hold their own references to the page. */
	free_page((unsigned long)rtoff_page);
}

module_init(rtoff_init);
module_exit(rtoff_exit);

MODULE_DESCRIPTION("Offsets of CLOCK_REALTIME, CLOCK_BOOTTIME and CLOCK_TAI from CLOCK_MONOTONIC");
MODULE_LICENSE("GPL");
