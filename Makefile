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
# Kernels before 6.3 have no vm_flags_mod(): found by looking, not by version,
# as distributions backport.
ifeq ($(shell grep -qsw vm_flags_mod $(srctree)/include/linux/mm.h && echo y),)
ccflags-y += -include $(src)/tools/oot/compat/vm_flags.h
endif

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
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
RTOFFSET_CFLAGS := -O2 -Wall -Wextra -Iinclude/uapi -Itools/testing/selftests/realtime_offset

.PHONY: all modules install uninstall clean test stress demo check patches bench help

all: modules rtoffset

modules:
	$(KBUILD) modules

rtoffset: $(OOT)/rtoffset.c tools/testing/selftests/realtime_offset/rtoff.h \
		include/uapi/linux/realtime_offset.h
	$(CC) $(RTOFFSET_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

# modules_install skips depmod where the build tree has no System.map, as
# distributions' header packages do.
install: modules rtoffset
	$(KBUILD) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)
	install -D -m 0755 rtoffset $(BINDIR)/rtoffset

uninstall:
	rm -f $(MODDIR)/realtime_offset.ko $(MODDIR)/realtime_offset.ko.*
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)
	rm -f $(BINDIR)/rtoffset

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)
	rm -rf build rtoffset

# Everything below boots Debian's kernels in QEMU; nothing is ever loaded
# into the kernel of the machine that runs these targets.
test:
	$(OOT)/run-tests

stress:
	$(OOT)/run-tests --stress

demo:
	$(OOT)/demo

check:
	$(OOT)/check

patches:
	$(OOT)/make-patches

bench:
	$(OOT)/run-bench

help:
	@echo 'make [KDIR=...]     build realtime_offset.ko (default: the running kernel)'
	@echo '                    and the rtoffset command'
	@echo 'make install        modules_install + depmod, rtoffset into $$(PREFIX)/bin;'
	@echo '                    make uninstall undoes it'
	@echo 'make clean          remove build products'
	@echo 'make demo           boot Debian 6.12 in QEMU and show /dev/realtime_offset'
	@echo 'make test           static checks, then the selftest on every kernel in QEMU'
	@echo 'make stress         the stress program for 120 s on 6.12-rt and the debug'
	@echo '                    kernel (RTOFF_STRESS_SECONDS=N for another length)'
	@echo 'make check          static checks only (checkpatch, sparse, W=1)'
	@echo 'make patches        regenerate the upstream series in patches/'
	@echo 'make bench          time every way to read the offsets, natively and in QEMU'

endif
