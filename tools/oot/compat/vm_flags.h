/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the out-of-tree build only: kernels before 6.3 write vma->vm_flags
 * directly and have no vm_flags_mod(). The Makefile includes this where the
 * kernel's <linux/mm.h> does not declare it.
 */
#ifndef RTOFF_COMPAT_VM_FLAGS_H
#define RTOFF_COMPAT_VM_FLAGS_H

#include <linux/mm.h>

static inline void vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
				vm_flags_t clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}

#endif
