# SPDX-License-Identifier: GPL-2.0
#
# realtime_offset, built out of tree from the very files the kernel patches
# carry (drivers/misc/realtime_offset.c), plus the project's own targets.
# `make help` lists them.

ifneq ($(KERNELRELEASE),)

obj-m := realtime_offset.o
realtime_offset-y := drivers/misc/realtime_offset.o
# The uapi header, as <uapi/linux/realtime_offset.h>, until the kernel has it.
ccflags-y := -I$(src)/include

else

KDIR ?= /lib/modules/$(shell uname -r)/build
# The release the module is built for, as modprobe looks it up. Some header
# packages (Debian's 6.1) carry another string in include/config/kernel.release.
KREL = $(shell sed -n 's/^.define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
INSTALL_MOD_PATH ?=
INSTALL_MOD_DIR ?= updates
MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KREL)/$(INSTALL_MOD_DIR)
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR)
OOT := tools/oot

.PHONY: all modules install uninstall clean test demo check patches help

all: modules

modules:
	$(KBUILD) modules

# modules_install skips depmod where the build tree has no System.map, as
# distributions' header packages do.
install: modules
	$(KBUILD) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)

uninstall:
	rm -f $(MODDIR)/realtime_offset.ko $(MODDIR)/realtime_offset.ko.*
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)
	rm -rf build

# Everything below boots Debian's kernels in QEMU; nothing is ever loaded
# into the kernel of the machine that runs these targets.
test:
	$(OOT)/run-tests

demo:
	$(OOT)/demo

check:
	$(OOT)/check

patches:
	$(OOT)/make-patches

help:
	@echo 'make [KDIR=...]     build realtime_offset.ko (default: the running kernel)'
	@echo 'make install        modules_install + depmod; make uninstall undoes it'
	@echo 'make clean          remove build products'
	@echo 'make demo           boot Debian 6.12 in QEMU and show /dev/realtime_offset'
	@echo 'make test           static checks, then the selftest on every kernel in QEMU'
	@echo 'make check          static checks only (checkpatch, sparse, W=1)'
	@echo 'make patches        regenerate the upstream series in patches/'

endif
