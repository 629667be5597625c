# SPDX-License-Identifier: GPL-2.0
#
# realtime_offset, built out of tree from the very files the kernel patches
# carry (drivers/misc/realtime_offset.c), plus the project's own targets.
# `make help` lists them.

ifneq ($(KERNELRELEASE),)

# What the kernel has is found by looking into its headers, not by its
# version: distributions backport.
has = $(shell grep -qsw $(1) $(srctree)/include/linux/$(2) && echo y)

obj-m := realtime_offset.o
# The uapi header, as <uapi/linux/realtime_offset.h>, until the kernel has it.
ccflags-y := -I$(src)/include

# Kernels without kzalloc_obj() or the mmap actions of .mmap_prepare get the
# driver as the LTS series carries it, made by tools/oot/backport.sed.
ifeq ($(call has,kzalloc_obj,slab.h)$(call has,mmap_action_map_kernel_pages,mm.h),yy)
realtime_offset-y := drivers/misc/realtime_offset.o
else
realtime_offset-y := realtime_offset_backport.o
targets += realtime_offset_backport.c
clean-files := realtime_offset_backport.c
quiet_cmd_backport = SED     $@
      cmd_backport = sed -f $(src)/tools/oot/backport.sed $< >$@
$(obj)/realtime_offset_backport.c: $(src)/drivers/misc/realtime_offset.c \
		$(src)/tools/oot/backport.sed FORCE
	$(call if_changed,backport)
endif

# Kernels without the timekeeper's clock_offsets notifier get it built on
# the pvclock_gtod chain.
ifneq ($(call has,clock_offsets_register_notifier,timekeeping.h),y)
ccflags-y += -include $(src)/tools/oot/compat/clock_offsets.h
realtime_offset-y += tools/oot/compat/clock_offsets.o
endif

# Kernels before 6.3 have no vm_flags_set().
ifneq ($(call has,vm_flags_set,mm.h),y)
ccflags-y += -include $(src)/tools/oot/compat/vm_flags.h
endif

# Kernels before 6.9 have no cpu_dcache_is_aliasing().
ifneq ($(call has,cpu_dcache_is_aliasing,cacheinfo.h),y)
ccflags-y += -include $(src)/tools/oot/compat/cacheinfo.h
endif

# For the tests: a pvclock_gtod member that ends the chain's walk.
ifeq ($(RTOFF_TEST_MODULES),y)
obj-m += rtoff_gtod_notify_bad.o
rtoff_gtod_notify_bad-y := tools/oot/test-modules/gtod_notify_bad.o
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
# make install MODULES_LOAD=1 (or dkms-install) also loads the module at boot.
MODULES_LOAD ?=
MODULES_LOAD_CONF := $(OOT)/modules-load.d/realtime_offset.conf
MODULES_LOAD_DIR = $(DESTDIR)/etc/modules-load.d
# Where install made the directory, uninstall takes it away again.
rmdir_if_empty = [ ! -d $(1) ] || rmdir --ignore-fail-on-non-empty $(1)

# DKMS: the files a module build reads, and the version, whose one source is
# the Debian changelog (debian/ at the top of the package's source tree).
DKMS_NAME := realtime-offset
DKMS_FILES := Makefile drivers/misc/realtime_offset.c \
	include/uapi/linux/realtime_offset.h tools/oot/compat tools/oot/backport.sed
DKMS_CHANGELOG := $(firstword $(wildcard $(OOT)/debian/changelog debian/changelog))
# "name (VERSION[-REVISION]) ..." on the first line; the upstream part.
dkms_version_sed := 1s/^[^ ]* (\([^)]*\)).*/\1/p
DKMS_VERSION := $(if $(DKMS_CHANGELOG),$(shell sed -n '$(dkms_version_sed)' \
	$(DKMS_CHANGELOG) | sed 's/-[^-]*$$//'))
DKMS_SRC = $(DESTDIR)/usr/src/$(DKMS_NAME)-$(DKMS_VERSION)
KERNELVER ?= $(shell uname -r)

.PHONY: all modules install uninstall clean test stress demo check patches bench \
	help deb dkms-source dkms-install dkms-uninstall guest-tools

all: modules rtoffset

modules:
	$(KBUILD) modules

# rtoffset, and the helpers make test runs in its guests: page-holder for
# lifecycle-test, convert-check for cli-test.
GUEST_TOOLS := page-holder convert-check

guest-tools: $(GUEST_TOOLS)

rtoffset $(GUEST_TOOLS): %: $(OOT)/%.c tools/testing/selftests/realtime_offset/rtoff.h \
		include/uapi/linux/realtime_offset.h
	$(CC) $(RTOFFSET_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

# modules_install skips depmod where the build tree has no System.map, as
# distributions' header packages do.
install: modules rtoffset
	$(KBUILD) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)
	install -D -m 0755 rtoffset $(BINDIR)/rtoffset
	$(if $(MODULES_LOAD),install -D -m 0644 $(MODULES_LOAD_CONF) $(MODULES_LOAD_DIR)/realtime_offset.conf)

uninstall:
	rm -f $(MODDIR)/realtime_offset.ko $(MODDIR)/realtime_offset.ko.*
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KREL)
	rm -f $(BINDIR)/rtoffset $(MODULES_LOAD_DIR)/realtime_offset.conf
	$(call rmdir_if_empty,$(MODULES_LOAD_DIR))

# The DKMS source tree, /usr/src/realtime-offset-VERSION: the module's files
# and dkms.conf with its version filled in. The Debian package makes it too.
dkms-source:
	@test -n "$(DKMS_VERSION)" || { echo 'no version: debian/changelog is missing' >&2; exit 1; }
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -R --parents $(DKMS_FILES) $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(DKMS_VERSION)/' $(OOT)/dkms.conf >$(DKMS_SRC)/dkms.conf

# On the machine it runs on: build and install the module with DKMS for
# KERNELVER, and again by itself for every kernel installed later. Any
# version installed before is removed first; the package must not be there.
dkms-install:
	@! dpkg-query -W -f='$${Status}' $(DKMS_NAME)-dkms 2>/dev/null | grep -q 'ok installed' || \
		{ echo 'the $(DKMS_NAME)-dkms package is installed: upgrade that instead' >&2; exit 1; }
	$(MAKE) --no-print-directory dkms-uninstall
	$(MAKE) --no-print-directory dkms-source DESTDIR=
	dkms install $(DKMS_NAME)/$(DKMS_VERSION) -k $(KERNELVER)
	$(if $(MODULES_LOAD),install -D -m 0644 $(MODULES_LOAD_CONF) /etc/modules-load.d/realtime_offset.conf)

# Every version DKMS knows, for every kernel, and its source tree.
dkms-uninstall:
	@! dpkg-query -W -f='$${Status}' $(DKMS_NAME)-dkms 2>/dev/null | grep -q 'ok installed' || \
		{ echo 'the $(DKMS_NAME)-dkms package is installed: apt purge it instead' >&2; exit 1; }
	for v in $$(dkms status -m $(DKMS_NAME) | sed -n 's|^$(DKMS_NAME)/\([^,:]*\)[,:].*|\1|p' | sort -u); do \
		dkms remove $(DKMS_NAME)/$$v --all && rm -rf /usr/src/$(DKMS_NAME)-$$v || exit 1; \
	done
	rm -rf /usr/src/$(DKMS_NAME)-$(DKMS_VERSION) /etc/modules-load.d/realtime_offset.conf
	$(call rmdir_if_empty,/etc/modules-load.d)

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)
	rm -rf build rtoffset $(GUEST_TOOLS)

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
	$(OOT)/make-patches mainline
	$(OOT)/make-patches lts

bench:
	$(OOT)/run-bench

# Builds the packages from the files in this repository; installs nothing.
deb:
	$(OOT)/make-deb

help:
	@echo 'make [KDIR=...]     build realtime_offset.ko (default: the running kernel)'
	@echo '                    and the rtoffset command'
	@echo 'make install        modules_install + depmod, rtoffset into $$(PREFIX)/bin;'
	@echo '                    make uninstall undoes it; MODULES_LOAD=1 also loads'
	@echo '                    it at boot (/etc/modules-load.d)'
	@echo 'make dkms-install   register the module with DKMS, which builds it for'
	@echo '                    KERNELVER (default: running) and every later kernel;'
	@echo '                    MODULES_LOAD=1 as for install; make dkms-uninstall'
	@echo '                    removes it from DKMS for every kernel'
	@echo 'make deb            build the Debian packages realtime-offset-dkms and'
	@echo '                    rtoffset into build/deb/, then lintian'
	@echo 'make clean          remove build products'
	@echo 'make demo           boot Debian 6.12 in QEMU and show /dev/realtime_offset'
	@echo 'make test           static checks, then the selftest on every kernel in QEMU'
	@echo 'make stress         the stress program for 120 s on 6.12-rt and the debug'
	@echo '                    kernel (RTOFF_STRESS_SECONDS=N for another length)'
	@echo 'make check          static checks only (checkpatch, sparse, W=1)'
	@echo 'make patches        regenerate the upstream series in patches/'
	@echo 'make bench          time every way to read the offsets, natively and in QEMU'

endif
