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
 * The timekeeper's offsets as of its last update, and a count of their
 * changes, in the page that mmap() hands out; the kernel reads them there too.
 * Only rtoff_offsets_changed() writes it, and the timekeeper calls it with
 * its own lock held: that serialises the writers. Readers follow the protocol
 * documented at struct rtoff_page: rtoff_read_begin() and rtoff_read_retry().
 */
static struct rtoff_page *rtoff_page;

/* The page of rtoff_page, as mmap() maps it. */
static struct page *rtoff_pages[1];

static DECLARE_WAIT_QUEUE_HEAD(rtoff_wait);

/* One per open file. */
struct rtoff_file {
	struct mutex	lock;		/* protects line and len */
	char		line[RTOFF_LINE_SIZE];
	size_t		len;		/* 0 until the first snapshot */
	atomic64_t	seen_seq;	/* seq of the offsets last read */
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

/*
 * Called by the timekeeper at registration and after each update that set the
 * clock or armed or disarmed a leap second, with interrupts off and its lock
 * held: no clock reads and no wakeups in here. Some of those updates move no
 * offset; they change nothing here.
 */
static int rtoff_offsets_changed(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	const struct clock_offsets *co = data;
	s64 real, boot, tai;

	real = ktime_to_ns(co->offs_real);
	boot = ktime_to_ns(co->offs_boot);
	tai = ktime_to_ns(co->offs_tai);
	if (real == rtoff_page->offsets.realtime_ns &&
	    boot == rtoff_page->offsets.boottime_ns &&
	    tai == rtoff_page->offsets.tai_ns)
		return NOTIFY_DONE;

	/* The lock is odd while the offsets are written. */
	WRITE_ONCE(rtoff_page->lock, rtoff_page->lock + 1);
	smp_wmb(); /* odd lock before offsets; pairs with rtoff_read_retry() */
	WRITE_ONCE(rtoff_page->offsets.realtime_ns, real);
	WRITE_ONCE(rtoff_page->offsets.boottime_ns, boot);
	WRITE_ONCE(rtoff_page->offsets.tai_ns, tai);
	WRITE_ONCE(rtoff_page->offsets.seq, rtoff_page->offsets.seq + 1);
	smp_wmb(); /* offsets before even lock; pairs with rtoff_read_begin() */
	WRITE_ONCE(rtoff_page->lock, rtoff_page->lock + 1);

	irq_work_queue(&rtoff_wake_work);
	return NOTIFY_OK;
}

static struct notifier_block rtoff_notifier = {
	.notifier_call	= rtoff_offsets_changed,
};

static u32 rtoff_read_begin(void)
{
	u32 lock;

	/* The writer runs with interrupts off: the wait is short. */
	while ((lock = READ_ONCE(rtoff_page->lock)) & 1)
		cpu_relax();
	smp_rmb(); /* lock before offsets; pairs with the writer's second smp_wmb() */
	return lock;
}

static bool rtoff_read_retry(u32 lock)
{
	smp_rmb(); /* offsets before lock; pairs with the writer's first smp_wmb() */
	return READ_ONCE(rtoff_page->lock) != lock;
}

static u64 rtoff_seq(void)
{
	u64 seq;
	u32 lock;

	do {
		lock = rtoff_read_begin();
		seq = READ_ONCE(rtoff_page->offsets.seq);
	} while (rtoff_read_retry(lock));

	return seq;
}

/*
 * REALTIME and TAI are not namespaced; MONOTONIC and BOOTTIME are. For a task
 * whose time namespace moves MONOTONIC by m and BOOTTIME by b, the offsets are
 * offs_real - m, offs_boot + b - m and offs_tai - m. A task can setns() into
 * another time namespace at any time, so look it up on every call.
 */
static void rtoff_get_offsets(struct rtoff_offsets *offsets)
{
	struct timespec64 ns_mono = {}, ns_boot = {};
	u32 lock;
	s64 mono;

	memset(offsets, 0, sizeof(*offsets));
	do {
		lock = rtoff_read_begin();
		offsets->realtime_ns = READ_ONCE(rtoff_page->offsets.realtime_ns);
		offsets->boottime_ns = READ_ONCE(rtoff_page->offsets.boottime_ns);
		offsets->tai_ns = READ_ONCE(rtoff_page->offsets.tai_ns);
		offsets->seq = READ_ONCE(rtoff_page->offsets.seq);
	} while (rtoff_read_retry(lock));

	timens_add_monotonic(&ns_mono);
	timens_add_boottime(&ns_boot);
	mono = timespec64_to_ns(&ns_mono);
	offsets->realtime_ns -= mono;
	offsets->boottime_ns += timespec64_to_ns(&ns_boot) - mono;
	offsets->tai_ns -= mono;
}

/*
 * Readers of one file can finish out of order, the one with the older offsets
 * last: the file has read the newer ones all the same, so seen_seq only moves
 * forward (seq counts changes; it wraps after 2^64 of them).
 */
static void rtoff_mark_seen(struct rtoff_file *rf, u64 seq)
{
	s64 seen = atomic64_read(&rf->seen_seq);

	do {
		if ((s64)(seq - seen) <= 0)
			return;
	} while (!atomic64_try_cmpxchg(&rf->seen_seq, &seen, seq));
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
	atomic64_set(&rf->seen_seq, rtoff_seq());
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
	u64 seq = 0;

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
		seq = offsets.seq;
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
		rtoff_mark_seen(rf, seq);
	return n;
}

static __poll_t rtoff_poll(struct file *file, poll_table *wait)
{
	struct rtoff_file *rf = file->private_data;

	/*
	 * On the wait queue before looking at seq: a change after the look
	 * wakes us, one before it is seen. The wait queue's lock, taken by
	 * poll_wait() here and by the wakeup in rtoff_wake(), orders the two;
	 * irq_work's own barriers order the seq update before rtoff_wake().
	 */
	poll_wait(file, &rtoff_wait, wait);
	return rtoff_seq() != atomic64_read(&rf->seen_seq) ? RTOFF_EPOLL : 0;
}

static long rtoff_get_offsets_ioctl(struct rtoff_file *rf,
				    struct rtoff_offsets __user *argp)
{
	struct rtoff_offsets offsets;

	rtoff_get_offsets(&offsets);
	if (copy_to_user(argp, &offsets, sizeof(offsets)))
		return -EFAULT;

	rtoff_mark_seen(rf, offsets.seq);
	return 0;
}

static long rtoff_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct rtoff_file *rf = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case RTOFF_IOC_GET_OFFSETS:
		return rtoff_get_offsets_ioctl(rf, argp);
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

	rtoff_page = (struct rtoff_page *)get_zeroed_page(GFP_KERNEL);
	if (!rtoff_page)
		return -ENOMEM;

	rtoff_pages[0] = virt_to_page(rtoff_page);
	/* Arbitrary, so that nobody takes seq for a count since boot. */
	rtoff_page->offsets.seq = get_random_u32();

	/* Registering runs the notifier once: the offsets are in before open. */
	ret = clock_offsets_register_notifier(&rtoff_notifier);
	if (ret)
		goto out_free_page;

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
