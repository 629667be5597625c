# SPDX-License-Identifier: GPL-2.0
#
# backport.sed - drivers/misc/realtime_offset.c, written for mainline, made
# for kernels that lack the mainline API it uses. make-patches applies it for
# the 6.12 LTS series; the Makefile, for the out-of-tree build on a kernel
# whose headers lack kzalloc_obj(). One rule per API, each naming it.

# kzalloc_obj() (7.0): the kzalloc() it stands for, with its default flags.
s/kzalloc_obj(\*\([a-z_]*\))/kzalloc(sizeof(*\1), GFP_KERNEL)/g
