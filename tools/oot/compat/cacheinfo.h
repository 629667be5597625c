/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the out-of-tree build only: kernels before 6.9 have no
 * cpu_dcache_is_aliasing(). The Makefile includes this where the kernel's
 * <linux/cacheinfo.h> does not declare it. On x86 and arm64 no data cache
 * aliases; elsewhere, not knowing, take it that it may.
 */
#ifndef RTOFF_COMPAT_CACHEINFO_H
#define RTOFF_COMPAT_CACHEINFO_H

#include <linux/kconfig.h>
#include <linux/types.h>

static inline bool cpu_dcache_is_aliasing(void)
{
	return !IS_ENABLED(CONFIG_X86) && !IS_ENABLED(CONFIG_ARM64);
}

#endif
