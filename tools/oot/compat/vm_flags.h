/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the out-of-tree build only: kernels before 6.3 write vma->vm_flags
 * directly and have no vm_flags_set() and vm_flags_clear(), which the driver
 * as tools/oot/upstream/backport.sed makes it uses. The Makefile includes this where
 * the kernel's <linux/mm.h> does not declare them.
 */
#ifndef RTOFF_COMPAT_VM_FLAGS_H
#define RTOFF_COMPAT_VM_FLAGS_H

#include <linux/mm.h>

static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}

#endif
