// SPDX-License-Identifier: GPL-2.0-only
/*
 * For the tests of the out-of-tree build only: a pvclock_gtod member that
 * ends the chain's walk on every call, as Xen dom0's member does when its
 * settime hypercall fails. Loaded before realtime_offset, it joins the chain
 * first at the default priority: a member joining later at that priority is
 * never called. realtime_offset must see every change all the same.
 */

#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/pvclock_gtod.h>

static int gtod_notify_bad(struct notifier_block *nb, unsigned long was_set,
			   void *priv)
{
	return NOTIFY_BAD;
}

static struct notifier_block gtod_notify_bad_nb = {
	.notifier_call	= gtod_notify_bad,
};

static int __init gtod_notify_bad_init(void)
{
	return pvclock_gtod_register_notifier(&gtod_notify_bad_nb);
}

static void __exit gtod_notify_bad_exit(void)
{
	pvclock_gtod_unregister_notifier(&gtod_notify_bad_nb);
}

module_init(gtod_notify_bad_init);
module_exit(gtod_notify_bad_exit);

MODULE_DESCRIPTION("A pvclock_gtod notifier that returns NOTIFY_BAD, for tests");
MODULE_LICENSE("GPL");
