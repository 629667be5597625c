# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# build.sh - part of lib.sh: Debian's kernels fetched, and the module,
# the selftests and the tools built against them.

# module_files: the files of this repository that building the module and
# rtoffset reads (the Makefile's list), and the test modules' sources.
module_files() {
	echo "$(make -s --no-print-directory -C "$RTOFF_TOP" source-files) tools/oot/guest/modules"
}
# fetch_kernel FLAVOUR: kernel/fetch-kernel FLAVOUR, its answer set as
# KREL, VMLINUZ, KDIR, KCONFIG and KROOT (see fetch-kernel -h). Fails when
# fetch-kernel does.
fetch_kernel() {
	local answer key value

	answer=$("$RTOFF_OOT/kernel/fetch-kernel" "$1") || return 1
	# shellcheck disable=SC2034 # set for the caller
	KREL='' VMLINUZ='' KDIR='' KCONFIG='' KROOT=''
	while IFS='=' read -r key value; do
		case $key in
		KREL | VMLINUZ | KDIR | KCONFIG | KROOT) printf -v "$key" '%s' "$value" ;;
		*) die "fetch-kernel printed an unknown line: $key=$value" ;;
		esac
	done <<<"$answer"
	[ -n "$KREL" ] && [ -n "$VMLINUZ" ] && [ -n "$KDIR" ] ||
		die "fetch-kernel $1 printed no KREL, VMLINUZ or KDIR"
}

# kernel_version TREE: the upstream version of a kernel source tree.
kernel_version() {
	make -s -C "$1" kernelversion
}

# build_module KDIR OUTDIR [make args...]: build realtime_offset.ko from a
# copy of the sources in OUTDIR (kbuild builds in the source directory, and
# each kernel needs its own), with W=1; any compiler warning is an error.
# With KROOT set (fetch-kernel prints it for the 7.x kernels), KDIR is a path
# inside that root and the build runs there, in a copy of OUTDIR that is
# copied back when make is done.
build_module() {
	local kdir=$1 out=$2 kroot=${KROOT:-} work='' rc=0
	shift 2

	rm -rf "$out"
	mkdir -p "$out"
	# shellcheck disable=SC2046 # a list of paths
	(cd "$RTOFF_TOP" && cp --parents -r $(module_files) "$out/") || return 1
	if [ -n "$kroot" ]; then
		work=$(mktemp -d "$kroot/tmp/rtoff-build.XXXXXX") &&
			cp -a "$out/." "$work/" || return 1
		kroot_run "$kroot" make -C "$kdir" M="${work#"$kroot"}" W=1 "$@" modules \
			>"$out/build.log" 2>&1 || rc=$?
		cp -a "$work/." "$out/" || rc=1
		rm -rf "$work"
	else
		make -C "$kdir" M="$out" W=1 "$@" modules >"$out/build.log" 2>&1 || rc=$?
	fi
	if [ "$rc" -ne 0 ]; then
		cat "$out/build.log" >&2
		return 1
	fi
	if grep -E 'warning:|error:' "$out/build.log" >&2; then
		return 1
	fi
}

# staged_install KDIR KREL BUILD ROOT: in BUILD (from build_module), make
# install MODULES_LOAD=1 into ROOT must leave the module where modprobe finds
# it for KREL, rtoffset in /usr/local/bin and the modules-load.d entry, and
# make uninstall must take them away again. With KROOT set, as for
# build_module: make runs in that root, on a copy of BUILD, staging into a
# directory there that is copied to ROOT at the end.
staged_install() {
	local kdir=$1 krel=$2 build=$3 root=$4 kroot=${KROOT:-}
	local run=() work='' mkbuild=$3 mkroot=$4 rc=1

	rm -rf "$root"
	if [ -n "$kroot" ]; then
		work=$(mktemp -d "$kroot/tmp/rtoff-install.XXXXXX") &&
			cp -a "$build/." "$work/build" || return 1
		run=(kroot_run "$kroot")
		mkbuild=${work#"$kroot"}/build
		mkroot=${work#"$kroot"}/root
		root=$work/root
	fi
	if "${run[@]}" make -C "$mkbuild" KDIR="$kdir" INSTALL_MOD_PATH="$mkroot" \
		DESTDIR="$mkroot" MODULES_LOAD=1 install >"$build/install.log" 2>&1 &&
		grep -q '^updates/realtime_offset\.ko' \
			"$root/lib/modules/$krel/modules.dep" &&
		[ -x "$root/usr/local/bin/rtoffset" ] &&
		grep -qx realtime_offset "$root/etc/modules-load.d/realtime_offset.conf" &&
		"${run[@]}" make -C "$mkbuild" KDIR="$kdir" INSTALL_MOD_PATH="$mkroot" \
			DESTDIR="$mkroot" uninstall >>"$build/install.log" 2>&1 &&
		! grep -q realtime_offset "$root/lib/modules/$krel/modules.dep" &&
		[ -z "$(find "$root" -name 'realtime_offset.ko*' -o -name rtoffset \
			-o -name realtime_offset.conf -o -name modules-load.d)" ]; then
		rc=0
	fi
	if [ -n "$work" ]; then
		if [ -d "$root" ]; then
			cp -a "$root" "$4" || rc=1
		fi
		rm -rf "$work"
	fi
	[ "$rc" -eq 0 ] || cat "$build/install.log" >&2
	return "$rc"
}

# build_selftest SRC OUTDIR [CC]: build the kselftest, static, the kernel's
# way (its lib.mk and harness come from the linux source tree SRC), with our
# uapi headers first, with CC (default cc; aarch64-linux-gnu-gcc for arm64).
build_selftest() {
	local src=$1 out=$2 cc=${3:-cc} f

	rm -rf "$out"
	mkdir -p "$out"
	for f in lib.mk kselftest.h kselftest_harness.h; do
		ln -s "$src/tools/testing/selftests/$f" "$out/$f"
	done
	cp -r "$RTOFF_TOP/tools/testing/selftests/realtime_offset" "$out/"
	make -C "$out/realtime_offset" OUTPUT="$out/realtime_offset" CC="$cc" \
		KHDR_INCLUDES="-isystem $RTOFF_TOP/include/uapi" \
		LDFLAGS=-static >"$out/build.log" 2>&1 || {
		cat "$out/build.log" >&2
		return 1
	}
	if grep -E 'warning:|error:' "$out/build.log" >&2; then
		return 1
	fi
}

# build_guest_tools OUT [CC]: rtoffset and the guests' helpers (page-holder,
# convert-check, librtoff-test, rtoff-bench), static, by the Makefile, in a
# copy of the sources in OUT (a cross compiler's ar for its archive).
build_guest_tools() {
	local out=$1 cc=${2:-cc} ar=ar

	rm -rf "$out"
	mkdir -p "$out"
	# shellcheck disable=SC2046 # a list of paths
	(cd "$RTOFF_TOP" && cp --parents -r $(module_files) tools/oot/guest/page-holder.c \
		tools/oot/guest/convert-check.c tools/oot/guest/librtoff-test.c \
		tools/oot/bench/bench.c "$out/") || return 1
	case $cc in
	*-gcc) ar=${cc%gcc}ar ;;
	esac
	if ! make -C "$out" -B rtoffset guest-tools CC="$cc" AR="$ar" LDFLAGS=-static \
		KSELFTEST="$(linux_source)/tools/testing/selftests" >"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		return 1
	fi
	! grep -E 'warning:|error:' "$out/build.log" >&2
}
