// SPDX-License-Identifier: GPL-2.0-only
/*
 * realtime_offset - the offset between CLOCK_MONOTONIC and CLOCK_REALTIME
 *
 * Programs that timestamp events with CLOCK_MONOTONIC turn the stamps into
 * wall-clock time by adding CLOCK_REALTIME - CLOCK_MONOTONIC. Reading both
 * clocks and subtracting is racy: the reads are apart in time and a clock step
 * can fall between them. The timekeeper holds the offset itself; this device
 * hands it out exactly, in one read, as seen from the reader's time namespace.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time_namespace.h>
#include <linux/timekeeping.h>

#define RTOFF_NAME	"realtime_offset"

/* Room for "-9223372036854775808\n" and the NUL that scnprintf() writes. */
#define RTOFF_LINE_SIZE	22

/* One per open file: the line a read at position 0 took, for the reads after. */
struct rtoff_file {
	struct mutex	lock;		/* protects line and len */
	char		line[RTOFF_LINE_SIZE];
	size_t		len;		/* 0 until the first snapshot */
};

/*
 * REALTIME is not namespaced but MONOTONIC is: for a task whose time namespace
 * moves MONOTONIC by m, REALTIME - MONOTONIC is offs_real - m. A task can
 * setns() into another time namespace at any time, so look it up per read.
 */
static s64 rtoff_realtime_offset(void)
{
	struct timespec64 ns_mono = {};

	timens_add_monotonic(&ns_mono);
	return ktime_to_ns(ktime_mono_to_real(0)) - timespec64_to_ns(&ns_mono);
}

static int rtoff_open(struct inode *inode, struct file *file)
{
	struct rtoff_file *rf;

	/* The node is 0444, which does not stop CAP_DAC_OVERRIDE. */
	if (file->f_mode & FMODE_WRITE)
		return -EACCES;

	rf = kzalloc(sizeof(*rf), GFP_KERNEL);
	if (!rf)
		return -ENOMEM;

	mutex_init(&rf->lock);
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

static ssize_t rtoff_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct rtoff_file *rf = file->private_data;
	char line[RTOFF_LINE_SIZE];
	size_t len;

	/*
	 * A read at position 0 takes a new snapshot; reads further on go on
	 * with the one before, so a line read in pieces is never a mix of two
	 * values. Copy it out of the lock: copy_to_user() may fault and sleep.
	 */
	mutex_lock(&rf->lock);
	if (*ppos == 0 || !rf->len)
		rf->len = scnprintf(rf->line, sizeof(rf->line), "%lld\n",
				    rtoff_realtime_offset());
	len = rf->len;
	memcpy(line, rf->line, len);
	mutex_unlock(&rf->lock);

	return simple_read_from_buffer(buf, count, ppos, line, len);
}

static const struct file_operations rtoff_fops = {
	.owner		= THIS_MODULE,
	.open		= rtoff_open,
	.release	= rtoff_release,
	.read		= rtoff_read,
	.llseek		= default_llseek,
};

static struct miscdevice rtoff_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= RTOFF_NAME,
	.fops		= &rtoff_fops,
	.mode		= 0444,
};

module_misc_device(rtoff_misc);

MODULE_DESCRIPTION("Offset between CLOCK_MONOTONIC and CLOCK_REALTIME");
MODULE_LICENSE("GPL");
