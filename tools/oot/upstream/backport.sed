# SPDX-License-Identifier: GPL-2.0
#
# backport.sed - drivers/misc/realtime_offset.c, written for mainline, made
# for kernels that lack the mainline API it uses. make-patches applies it for
# the 6.12 LTS series; the Makefile, for the out-of-tree build on a kernel
# whose headers lack any of that API. Each rule names the API it replaces.

# kzalloc_obj() and kmalloc_objs() (7.0): the kzalloc() and kmalloc_array()
# they stand for, with their default flags.
s/kzalloc_obj(\*\([a-z_]*\))/kzalloc(sizeof(*\1), GFP_KERNEL)/g
s/kmalloc_objs(\*\([a-z_]*\), \([A-Z_]*\))/kmalloc_array(\2, sizeof(*\1), GFP_KERNEL)/g

# .mmap_prepare (6.17) and its vm_area_desc helpers and mmap actions: .mmap
# on the vm_area_struct itself.
s/rtoff_mmap_prepare(struct vm_area_desc \*desc)/rtoff_mmap(struct file *file, struct vm_area_struct *vma)/
s/\.mmap_prepare\t= rtoff_mmap_prepare,/.mmap\t\t= rtoff_mmap,/
s/desc->pgoff/vma->vm_pgoff/g
s/vma_desc_pages(desc)/vma_pages(vma)/g
s/vma_desc_test_any(desc, \([A-Z_, ]*\))/vma->vm_flags \& (\1)/
s/vma_desc_set_flags(desc, \([A-Z_, ]*\));/vm_flags_set(vma, \1);/
s/vma_desc_clear_flags(desc, \([A-Z_, ]*\));/vm_flags_clear(vma, \1);/
/vm_flags\|vma_pages/s/VMA_\([A-Z]*\)_BIT, /VM_\1 | /g
/vm_flags\|vma_pages/s/VMA_\([A-Z]*\)_BIT/VM_\1/g
# The mapping is one page (checked above): insert it, and return what that
# gives instead of the 0 after the action.
/mmap_action_map_kernel_pages_full(desc, /{
	s/mmap_action_map_kernel_pages_full(desc, \([a-z_]*\));/return vm_insert_page(vma, vma->vm_start, \1[0]);/
	n
	/^\treturn 0;$/d
}
