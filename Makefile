# SPDX-License-Identifier: GPL-2.0
#
# The project's targets. The module itself is built by the kernel's kbuild
# from Kbuild; `make help` lists the targets, from the "##" lines below.

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
MODULES_LOAD_CONF := $(OOT)/pkg/modules-load.d/realtime_offset.conf
MODULES_LOAD_DIR = $(DESTDIR)/etc/modules-load.d
# Where install made the directory, uninstall takes it away again.
rmdir_if_empty = [ ! -d $(1) ] || rmdir --ignore-fail-on-non-empty $(1)

# The files of this repository that building and installing the module and
# rtoffset read: DKMS's source tree, the packages' and make test's copies.
SOURCE_FILES := Makefile Kbuild drivers/misc/realtime_offset.c \
	include/uapi/linux/realtime_offset.h tools/oot/compat \
	tools/oot/upstream/backport.sed tools/oot/pkg/modules-load.d \
	tools/oot/rtoffset/rtoffset.c tools/testing/selftests/realtime_offset/rtoff.h \
	tools/oot/librtoff

# DKMS: the version, whose one source is the Debian changelog (debian/ at
# the top of the package's source tree).
DKMS_NAME := realtime-offset
DKMS_CHANGELOG := $(firstword $(wildcard $(OOT)/pkg/debian/changelog debian/changelog))
# "name (VERSION[-REVISION]) ..." on the first line; the upstream part.
dkms_version_sed := 1s/^[^ ]* (\([^)]*\)).*/\1/p
DKMS_VERSION := $(if $(DKMS_CHANGELOG),$(shell sed -n '$(dkms_version_sed)' \
	$(DKMS_CHANGELOG) | sed 's/-[^-]*$$//'))
DKMS_SRC = $(DESTDIR)/usr/src/$(DKMS_NAME)-$(DKMS_VERSION)
KERNELVER ?= $(shell uname -r)

.PHONY: all modules install uninstall clean test stress demo lint check patches \
	bench help deb dkms-source dkms-install dkms-uninstall guest-tools source-files \
	lib install-lib uninstall-lib

## Building and installing, on the machine that runs the driver:
##   make [KDIR=...]     realtime_offset.ko for KDIR (default: the running
##                       kernel's headers) and the rtoffset command
all: modules rtoffset lib

modules:
	@test -e $(KDIR)/Makefile || { echo 'no kernel headers in $(KDIR):' \
		'install linux-headers-$(shell uname -r), or give KDIR=' >&2; exit 1; }
	$(KBUILD) modules

# The helpers make test and make bench run in their guests: page-holder for
# lifecycle-test, convert-check for cli-test, librtoff's test (with the
# kselftest harness of a kernel tree's tools/testing/selftests, KSELFTEST=)
# and the benchmark.
GUEST_TOOLS := page-holder convert-check librtoff-test rtoff-bench
KSELFTEST ?= /usr/src/linux/tools/testing/selftests
TOOL_DEPS := tools/testing/selftests/realtime_offset/rtoff.h include/uapi/linux/realtime_offset.h

guest-tools: $(GUEST_TOOLS)

# librtoff: a shared library and a static archive, with rtoffset.h, the
# header rtoff.h it is built on, rtoff.pc and its man pages. rtoffset links
# the archive.
LIB := $(OOT)/librtoff
LIB_SONAME := librtoff.so.1
LIB_CFLAGS = $(RTOFFSET_CFLAGS) -I$(LIB) -fvisibility=hidden
LIB_DEPS := $(LIB)/librtoff.c $(LIB)/rtoffset.h $(TOOL_DEPS)
LIB_MAN := $(wildcard $(LIB)/man/*.3)
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man

lib: $(LIB_SONAME) librtoff.so librtoff.a rtoff.pc

$(LIB_SONAME): $(LIB_DEPS) $(LIB)/librtoff.map
	$(CC) $(LIB_CFLAGS) -fPIC $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -shared \
		-Wl,-soname,$@ -Wl,--version-script=$(LIB)/librtoff.map -o $@ $<

librtoff.so: $(LIB_SONAME)
	ln -sf $< $@

librtoff.a: $(LIB_DEPS)
	$(CC) $(LIB_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o librtoff.o $<
	$(AR) rcs $@ librtoff.o

rtoff.pc: $(LIB)/rtoff.pc.in $(DKMS_CHANGELOG)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(DKMS_VERSION)|' $< >$@

rtoffset: $(OOT)/rtoffset/rtoffset.c librtoff.a $(LIB)/rtoffset.h $(TOOL_DEPS)
	$(CC) $(RTOFFSET_CFLAGS) -I$(LIB) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< librtoff.a

page-holder convert-check: %: $(OOT)/guest/%.c $(TOOL_DEPS)
	$(CC) $(RTOFFSET_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

librtoff-test: $(OOT)/guest/librtoff-test.c librtoff.a $(LIB)/rtoffset.h
	$(CC) $(RTOFFSET_CFLAGS) -I$(LIB) -I$(KSELFTEST) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $< librtoff.a

rtoff-bench: $(OOT)/bench/bench.c $(TOOL_DEPS)
	$(CC) $(RTOFFSET_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lpthread

##   make install        modules_install and depmod, rtoffset into
##                       $(PREFIX)/bin; MODULES_LOAD=1 also loads the module
##                       at boot (/etc/modules-load.d); make uninstall undoes it
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
	cp -R --parents $(SOURCE_FILES) $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(DKMS_VERSION)/' $(OOT)/pkg/dkms.conf >$(DKMS_SRC)/dkms.conf

##   make dkms-install   register the module with DKMS, which builds it for
##                       KERNELVER (default: the running kernel) and every
##                       kernel installed later; MODULES_LOAD=1 as for install;
##                       make dkms-uninstall removes it for every kernel
# Any version installed before is removed first; the package must not be
# there.
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

##   make deb            the Debian packages realtime-offset-dkms and rtoffset
##                       in build/deb/, checked by lintian; installs the build
##                       tools it lacks (root), and no package of ours
deb:
	$(OOT)/pkg/make-deb

##   make clean          remove what the targets above built
##   make install-lib    librtoff, its headers (in $(INCLUDEDIR)/rtoffset),
##                       rtoff.pc and man pages; LIBDIR=... for another
##                       directory than $(PREFIX)/lib; make uninstall-lib
install-lib: lib
	install -D -m 0644 $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/librtoff.so
	install -m 0644 librtoff.a $(DESTDIR)$(LIBDIR)/librtoff.a
	install -D -m 0644 rtoff.pc $(DESTDIR)$(LIBDIR)/pkgconfig/rtoff.pc
	install -D -m 0644 $(LIB)/rtoffset.h $(DESTDIR)$(INCLUDEDIR)/rtoffset/rtoffset.h
	install -m 0644 tools/testing/selftests/realtime_offset/rtoff.h \
		$(DESTDIR)$(INCLUDEDIR)/rtoffset/rtoff.h
	install -D -m 0644 include/uapi/linux/realtime_offset.h \
		$(DESTDIR)$(INCLUDEDIR)/rtoffset/linux/realtime_offset.h
	install -d $(DESTDIR)$(MANDIR)/man3
	install -m 0644 $(LIB_MAN) $(DESTDIR)$(MANDIR)/man3/
	$(if $(DESTDIR),,ldconfig)

uninstall-lib:
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(LIB_SONAME) librtoff.so librtoff.a pkgconfig/rtoff.pc)
	rm -rf $(DESTDIR)$(INCLUDEDIR)/rtoffset
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(LIB_MAN)))
	$(if $(DESTDIR),,ldconfig)

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)
	rm -rf build rtoffset $(GUEST_TOOLS) $(LIB_SONAME) librtoff.so librtoff.a librtoff.o rtoff.pc

##
## Developing (these boot kernels in QEMU; nothing is ever loaded into the
## kernel of the machine that runs them). Each needs root: it installs the
## Debian packages it lacks (QEMU, compilers, linux-source, about 20) and
## keeps downloads and builds in ~/.cache/realtime_offset:
##   make demo           boot Debian's 6.12 with the module and show the
##                       device (about 3 minutes, 10 the first time)
demo:
	$(OOT)/test/demo

##   make test           make lint, then every test on every kernel of the
##                       matrix: Debian's five, our debug kernels built from
##                       the series, arm64, the packages (about 40 minutes;
##                       an hour the first time, which builds four kernels)
test:
	$(OOT)/test/run-tests

##   make stress         the stress program for 120 s on 6.12-rt and the
##                       debug kernels (RTOFF_STRESS_SECONDS=N for another
##                       length; about 15 minutes)
stress:
	$(OOT)/test/run-tests --stress

##   make bench          time every way to read the offsets, natively and in
##                       QEMU; prints tables (about 5 minutes)
bench:
	$(OOT)/bench/run-bench

##   make lint           the static gate: checkpatch --strict, sparse, W=1,
##                       shellcheck, the series fresh and applying to its
##                       base (about 5 minutes; make check is the old name)
lint check:
	$(OOT)/upstream/lint

##   make patches        regenerate the upstream series in patches/
patches:
	$(OOT)/upstream/make-patches mainline
	$(OOT)/upstream/make-patches lts

source-files:
	@echo $(SOURCE_FILES)

##   make help           this text
help:
	@sed -n 's/^## \{0,1\}//p' $(firstword $(MAKEFILE_LIST))
