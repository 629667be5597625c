# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - shared by the out-of-tree helpers in tools/oot. Source it; it sets
# RTOFF_TOP (the repository), RTOFF_OOT (this directory) and RTOFF_CACHE.

RTOFF_OOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RTOFF_TOP=$(cd "$RTOFF_OOT/../.." && pwd)
RTOFF_CACHE=${RTOFF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/realtime_offset}
export RTOFF_CACHE

log() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die() {
	log "$*"
	exit 1
}

# apt_lists: make sure apt's package lists exist; refresh them at most once
# per run of a top-level helper (apt-cache finds nothing before an update).
apt_lists() {
	if [ -z "${RTOFF_APT_UPDATED:-}" ]; then
		log "apt-get update"
		apt-get update -q >/dev/null || die "apt-get update failed"
		export RTOFF_APT_UPDATED=1
	fi
}

# What building, checking and booting needs on a Debian 12 machine.
# shellcheck disable=SC2034 # used by the scripts that source this
RTOFF_HOST_PKGS="gcc make libc6-dev dwarves kmod xz-utils perl git sparse
	python3 python3-ply python3-git qemu-system-x86 busybox-static cpio
	linux-source-6.12"

# What building a kernel from source needs.
# shellcheck disable=SC2034 # used by the scripts that source this
RTOFF_KBUILD_PKGS="gcc make bc flex bison libelf-dev libssl-dev"

# What check needs besides: coccicheck, htmldocs, and the patched tree.
# shellcheck disable=SC2034 # used by the scripts that source this
RTOFF_CHECK_PKGS="coccinelle ocaml-nox python3-sphinx $RTOFF_KBUILD_PKGS"

# need_pkgs PKG...: install the Debian packages that are missing.
need_pkgs() {
	local pkg missing=()

	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$pkg")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	apt_lists
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2 ||
		die "could not install ${missing[*]}"
}

# --- building the driver and its selftest --------------------------------

# The files of this repository that the out-of-tree build (module and
# rtoffset) reads.
RTOFF_MODULE_FILES="Makefile drivers/misc/realtime_offset.c include/uapi/linux/realtime_offset.h
	tools/oot/compat tools/oot/upstream/backport.sed tools/oot/pkg/modules-load.d tools/oot/rtoffset/rtoffset.c
	tools/oot/guest/modules
	tools/testing/selftests/realtime_offset/rtoff.h"

# base_package TREE: the Debian source package of TREE (mainline or lts),
# as tools/oot/upstream/base records it.
base_package() {
	local pkg

	pkg=$(sed -n "s/^$1 //p" "$RTOFF_OOT/upstream/base")
	[ -n "$pkg" ] || die "tools/oot/upstream/base names no $1 tree"
	echo "$pkg"
}

# linux_source [TREE]: unpack the newest version of TREE's (default:
# mainline) package once into the cache and print the path of the pristine
# tree. Nothing ever writes into that tree. The mainline package comes from
# trixie-backports through trixie_apt, the LTS one from this machine's apt.
linux_source() {
	local tree=${1:-mainline} pkg ver dir deb

	pkg=$(base_package "$tree")
	if [ "$tree" = lts ]; then
		need_pkgs "$pkg"
		ver=$(dpkg-query -W -f='${Version}' "$pkg")
	else
		trixie_lists
		ver=$(trixie_apt apt-cache show "$pkg" 2>/dev/null |
			sed -n 's/^Version: //p' | sort -V | tail -n 1)
		[ -n "$ver" ] || die "no $pkg in trixie-backports"
	fi
	dir=$RTOFF_CACHE/src/$ver
	if [ ! -e "$dir/.complete" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		if [ "$tree" = lts ]; then
			log "unpacking /usr/src/$pkg.tar.xz ($ver)"
			tar -xf "/usr/src/$pkg.tar.xz" -C "$dir"
		else
			log "downloading and unpacking $pkg $ver"
			(cd "$dir" && trixie_apt apt-get download -q "$pkg=$ver" >/dev/null) ||
				die "could not download $pkg $ver"
			deb=$(echo "$dir/${pkg}_"*.deb)
			dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
				tar -xJ -C "$dir" || die "could not unpack $deb"
			rm -f "$deb"
		fi
		touch "$dir/.complete"
	fi
	echo "$dir/$pkg"
}

# linux_git [TREE]: the pristine tree of linux_source TREE as a git
# repository with one commit, made the same way on every machine (fixed
# author and date), so that a series names a base anyone can rebuild.
# Prints its path.
linux_git() {
	local src ver dir

	src=$(linux_source "${1:-mainline}")
	ver=$(basename "$(dirname "$src")")
	dir=$RTOFF_CACHE/git/$ver
	if [ ! -e "$dir/.git/rtoff-complete" ]; then
		log "importing ${src##*/} $ver into git"
		rm -rf "$dir"
		mkdir -p "$dir"
		cp -a "$src/." "$dir/" &&
			git -C "$dir" init -q -b master &&
			git -C "$dir" add -A -f &&
			GIT_AUTHOR_NAME=linux-source GIT_COMMITTER_NAME=linux-source \
			GIT_AUTHOR_EMAIL=nobody@invalid \
			GIT_COMMITTER_EMAIL=nobody@invalid \
			GIT_AUTHOR_DATE=2000-01-01T00:00:00Z \
			GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
			git -C "$dir" commit -q -m "Linux $(kernel_version "$dir") (Debian ${src##*/} $ver)" &&
			touch "$dir/.git/rtoff-complete" ||
			die "could not import $src into git"
	fi
	echo "$dir"
}

# series_dir TREE: the directory of TREE's series (mainline: patches/, lts:
# patches/X.Y).
series_dir() {
	if [ "$1" = lts ]; then
		echo "$RTOFF_TOP/patches/$(sed -n 's/^lts linux-source-//p' "$RTOFF_OOT/upstream/base")"
	else
		echo "$RTOFF_TOP/patches"
	fi
}

# intree_image_diff TREE: the part of TREE's series that the kernel image is
# built from: everything but the driver, its uapi header, the documentation,
# the selftests and MAINTAINERS, and but the commit messages.
intree_image_diff() {
	awk '/^From [0-9a-f]+ / { skip = 1 }
	     /^diff --git / {
		skip = $3 ~ "^a/(drivers/misc/realtime_offset[.]c|include/uapi/linux/realtime_offset[.]h|Documentation/|tools/|MAINTAINERS$)"
	     }
	     !skip' "$(series_dir "$1")"/0*.patch
}

# intree_prepare TREE: a worktree of linux_git TREE with TREE's series
# applied by git am; for mainline, beside it the build directory of our debug
# kernel with KASAN, prepared for building single files. Sets RTOFF_INTREE to
# the directory that holds them: linux/ (the tree), obj/ (KASAN, mainline),
# obj-kcsan/ (KCSAN) and obj-arm64/ (mainline), the last two built by
# run-tests. They are kept in the cache under the hash of what the kernel
# images are built from (the tree's version, intree_image_diff, the config
# fragments and build-kernel; build-kernel itself configures a build
# directory afresh when its fragments changed), so that a change to the
# driver alone only reapplies the series and rebuilds the module; a new hash
# starts afresh and removes the old one of the same TREE. check and run-tests
# share them, and so do clones of this repository: the first call takes a
# lock on them that the process holds until it ends. Prints nothing; returns
# non-zero (with the logs on stderr) when the series does not apply.
intree_prepare() {
	local which=$1 repo key applied dir old series sanitizer=kasan touched

	if [ -z "${RTOFF_INTREE_LOCK:-}" ]; then
		mkdir -p "$RTOFF_CACHE"
		exec {RTOFF_INTREE_LOCK}>>"$RTOFF_CACHE/intree.lock"
		if ! flock -n "$RTOFF_INTREE_LOCK"; then
			log "waiting for another run to finish with $RTOFF_CACHE/intree"
			flock "$RTOFF_INTREE_LOCK"
		fi
	fi
	repo=$(linux_git "$which") || return 1
	series=$(series_dir "$which")
	[ "$which" = mainline ] || sanitizer=kcsan
	key=$({
		basename "$repo"
		intree_image_diff "$which"
		cat "$RTOFF_OOT"/kernel/{debug,x86_64,arm64,$sanitizer}.config "$RTOFF_OOT/kernel/build-kernel"
	} | sha1sum | cut -c1-16)
	applied=$(cat "$series"/*.patch | sha1sum | cut -d' ' -f1)
	dir=$RTOFF_CACHE/intree/$key
	# shellcheck disable=SC2034 # used by the scripts that source this
	RTOFF_INTREE=$dir
	[ "$(cat "$dir/.applied" 2>/dev/null)" != "$applied" ] || return 0

	if ! git -C "$dir/linux" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		for old in "$RTOFF_CACHE"/intree/*; do
			[ -e "$old" ] || continue
			[ "$(cat "$old/.tree" 2>/dev/null)" = "$which" ] ||
				[ ! -e "$old/.tree" ] || continue
			rm -rf "$old"
		done
		git -C "$repo" worktree prune
		mkdir -p "$dir"
		echo "$which" >"$dir/.tree"
		git -C "$repo" worktree add -q --detach "$dir/linux" master \
			>"$dir/am.log" 2>&1 || {
			cat "$dir/am.log" >&2
			return 1
		}
	fi
	# Only the files the series touches are written again, and those whose
	# content did not change get their old times back, so that make
	# rebuilds what depends on a change and nothing else (a core header
	# written again would rebuild half the kernel).
	rm -f "$dir/.applied"
	git -C "$dir/linux" am --abort >/dev/null 2>&1 || true
	touched=$(sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' "$series"/*.patch | sort -u)
	(cd "$dir/linux" && for f in $touched; do
		[ ! -e "$f" ] || echo "$(sha1sum <"$f" | cut -c1-40) $(stat -c %Y "$f") $f"
	done) >"$dir/times"
	if (cd "$dir/linux" && git checkout -q -f --detach master &&
		git -c user.name=test -c user.email=test@invalid \
			am -q --empty=drop "$series"/*.patch &&
		while read -r sum time f; do
			[ ! -e "$f" ] || [ "$(sha1sum <"$f" | cut -c1-40)" != "$sum" ] ||
				touch -m -d "@$time" "$f"
		done <"$dir/times") >"$dir/am.log" 2>&1 &&
		{ [ "$which" = lts ] ||
			"$RTOFF_OOT/kernel/build-kernel" "$dir/linux" "$dir/obj" prepare \
				>"$dir/prepare.log" 2>&1; }; then
		echo "$applied" >"$dir/.applied"
		return 0
	fi
	cat "$dir/am.log" "$dir/prepare.log" >&2 2>/dev/null
	return 1
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
	# shellcheck disable=SC2086
	(cd "$RTOFF_TOP" && cp --parents -r $RTOFF_MODULE_FILES "$out/") || return 1
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
# convert-check), static, by the Makefile, in a copy of the sources in OUT.
build_guest_tools() {
	local out=$1 cc=${2:-cc}

	rm -rf "$out"
	mkdir -p "$out"
	# shellcheck disable=SC2086
	(cd "$RTOFF_TOP" && cp --parents -r $RTOFF_MODULE_FILES tools/oot/guest/page-holder.c \
		tools/oot/guest/convert-check.c "$out/") || return 1
	if ! make -C "$out" -B rtoffset guest-tools CC="$cc" LDFLAGS=-static \
		>"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		return 1
	fi
	! grep -E 'warning:|error:' "$out/build.log" >&2
}

# --- Debian 13 (trixie) roots, for Debian's 7.x kernels ----------------------

# Debian's 7.x kernels come from trixie-backports, and their kbuild tools and
# compiler (trixie's C library, gcc-14) do not run on Debian 12: modules for
# them are built in a trixie root. This machine's apt sources are left alone;
# trixie's package lists live in a private apt configuration in the cache.
RTOFF_TRIXIE_MIRROR=${RTOFF_TRIXIE_MIRROR:-http://deb.debian.org/debian}
RTOFF_TRIXIE_SOURCES="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $RTOFF_TRIXIE_MIRROR trixie main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $RTOFF_TRIXIE_MIRROR trixie-backports main"

# The trixie root's packages besides minbase and the kernels' headers: what
# building the module (make, gcc, pahole), rtoffset (libc6-dev) and make
# install (depmod, the modules' compressors) run.
# shellcheck disable=SC2034 # used by the scripts that source this
RTOFF_TRIXIE_PKGS="make gcc libc6-dev pahole kmod xz-utils zstd"

# private_apt NAME ARCH SOURCES apt-get|apt-cache ARGS...: that apt command
# on SOURCES for ARCH, with its sources, lists and caches in
# $RTOFF_CACHE/apt/NAME; this machine's apt sources, lists, preferences and
# dpkg database are neither read nor written.
private_apt() {
	local dir=$RTOFF_CACHE/apt/$1 arch=$2 sources=$3 cmd=$4
	shift 4

	mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/empty"
	if [ "$(cat "$dir/sources.list" 2>/dev/null)" != "$sources" ]; then
		echo "$sources" >"$dir/sources.list"
		rm -f "$dir/updated"
	fi
	[ -e "$dir/status" ] || : >"$dir/status"
	# Read before the machine's apt.conf.d, and in its place: none of the
	# machine's hooks (an update's Post-Invoke) run for these lists.
	printf 'Dir::Etc::Parts "%s";\n' "$dir/empty" >"$dir/apt.conf"
	APT_CONFIG=$dir/apt.conf "$cmd" -o Dir::Etc::sourcelist="$dir/sources.list" \
		-o Dir::Etc::sourceparts="$dir/empty" \
		-o Dir::Etc::preferences="$dir/empty/none" \
		-o Dir::Etc::preferencesparts="$dir/empty" \
		-o Dir::State="$dir/state" -o Dir::State::status="$dir/status" \
		-o Dir::Cache="$dir/cache" -o APT::Architecture="$arch" \
		-o APT::Architectures="$arch" -o Acquire::Languages=none \
		-o APT::Sandbox::User=root "$@"
}

# trixie_apt apt-get|apt-cache ARGS...: private_apt on trixie and
# trixie-backports, for amd64.
trixie_apt() {
	private_apt trixie amd64 "$RTOFF_TRIXIE_SOURCES" "$@"
}

# guest_busybox ARCH: the path of a static busybox for ARCH's guests: this
# machine's for x86_64, bookworm's busybox-static for arm64, downloaded once
# through private_apt.
guest_busybox() {
	local dir=$RTOFF_CACHE/busybox/$1 sources deb

	if [ "$1" = x86_64 ]; then
		need_pkgs busybox-static
		echo /bin/busybox
		return
	fi
	if [ ! -x "$dir/busybox" ]; then
		sources="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $RTOFF_TRIXIE_MIRROR bookworm main"
		rm -rf "$dir"
		mkdir -p "$dir/deb"
		log "downloading busybox-static for $1 guests (bookworm, private lists)"
		private_apt "bookworm-$1" "$1" "$sources" apt-get update -q >/dev/null &&
			(cd "$dir/deb" && private_apt "bookworm-$1" "$1" "$sources" \
				apt-get download -q busybox-static >/dev/null) ||
			die "could not download busybox-static for $1"
		deb=$(echo "$dir"/deb/busybox-static_*.deb)
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./bin/busybox >"$dir/busybox.tmp" &&
			chmod 755 "$dir/busybox.tmp" && mv "$dir/busybox.tmp" "$dir/busybox" ||
			die "could not unpack $deb"
		rm -rf "$dir/deb"
	fi
	echo "$dir/busybox"
}

# trixie_lists [force]: refresh trixie's lists when they are missing, more
# than an hour old, or when forced.
trixie_lists() {
	local dir=$RTOFF_CACHE/apt/trixie

	if [ "${1:-}" = force ] || [ ! -e "$dir/updated" ] ||
		[ -n "$(find "$dir/updated" -mmin +60)" ]; then
		log "apt-get update (trixie, trixie-backports; private lists)"
		trixie_apt apt-get update -q >/dev/null || die "apt-get update of trixie failed"
		touch "$dir/updated"
	fi
}

# unmount_under DIR: unmount everything mounted below DIR, deepest first;
# fails when something stays mounted.
unmount_under() {
	local mnt

	findmnt -rn -o TARGET | grep -F "$1/" | sort -r | while read -r mnt; do
		umount -l "$mnt" || true
	done
	! findmnt -rn -o TARGET | grep -qF "$1/"
}

# trixie_root KREL...: a Debian 13 root (minbase, $RTOFF_TRIXIE_PKGS and
# linux-headers-KREL of each KREL, from trixie and trixie-backports), made by
# mmdebstrap into $RTOFF_CACHE/roots/trixie-KEY, KEY naming the sources and
# packages; made once and reused, any other trixie root there removed. In it,
# modprobe, insmod and rmmod are stubs that fail. Prints its path.
trixie_root() {
	local pkgs krel key dir tool old

	pkgs=$RTOFF_TRIXIE_PKGS
	for krel in "$@"; do
		pkgs+=" linux-headers-$krel"
	done
	key=$({ echo "$RTOFF_TRIXIE_SOURCES"; echo "$pkgs"; } | sha1sum | cut -c1-12)
	dir=$RTOFF_CACHE/roots/trixie-$key
	if [ ! -e "$dir/etc/rtoff-packages" ]; then
		need_pkgs mmdebstrap
		log "making a Debian 13 root with $pkgs (a few minutes, once)"
		mkdir -p "$RTOFF_CACHE/roots"
		# An mmdebstrap that was killed can leave its mounts behind.
		unmount_under "$dir.tmp" || return 1
		rm -rf --one-file-system "$dir" "$dir.tmp"
		# shellcheck disable=SC2016 # apt's syntax
		echo "$RTOFF_TRIXIE_SOURCES" | mmdebstrap --variant=minbase \
			--aptopt='APT::Install-Recommends "false"' \
			--include="${pkgs// /,}" trixie "$dir.tmp" - >"$dir.log" 2>&1 || {
			tail -n 30 "$dir.log" >&2
			rm -rf --one-file-system "$dir.tmp"
			return 1
		}
		for tool in modprobe insmod rmmod; do
			rm -f "$dir.tmp/usr/sbin/$tool"
			# shellcheck disable=SC2016 # the stub's own variables
			printf '#!/bin/sh\necho "$0: refused in this root" >&2\nexit 1\n' \
				>"$dir.tmp/usr/sbin/$tool"
			chmod 755 "$dir.tmp/usr/sbin/$tool"
		done
		echo "$pkgs" >"$dir.tmp/etc/rtoff-packages"
		mv "$dir.tmp" "$dir"
		for old in "$RTOFF_CACHE"/roots/trixie-*; do
			case $old in
			"$dir" | "$dir.log") ;;
			*) rm -rf --one-file-system "$old" ;;
			esac
		done
	fi
	echo "$dir"
}

# kroot_run KROOT CMD...: run CMD in the root KROOT, as root, with a clean
# environment and /proc mounted. The mount is made in a mount namespace of
# its own: it goes away with CMD, however CMD ends.
kroot_run() {
	local kroot=$1
	shift

	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private /bin/sh -c \
		'kroot=$1; shift; mount -t proc proc "$kroot/proc" &&
		exec chroot "$kroot" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 "$@"' sh "$kroot" "$@"
}

# --- results ---------------------------------------------------------------

# record RESULT WHERE CASE [REASON]: RESULT is pass, fail or skip. Printed,
# and kept in $RTOFF_RESULTS (when set) for the summary of run-tests.
record() {
	printf '%-4s %s: %s%s\n' "${1^^}" "$2" "$3" \
		"${4:+ ($4)}" >&2
	if [ -n "${RTOFF_RESULTS:-}" ]; then
		printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$RTOFF_RESULTS"
	fi
}

# record_ktap WHERE FILE: one result per KTAP test line of FILE, and a failure
# when fewer results came than the plan announced (a crashed test program).
record_ktap() {
	local where=$1 file=$2 line name planned=0 seen=0

	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		1..*)
			planned=$((planned + ${line#1..}))
			;;
		"ok "*" # SKIP"*)
			name=${line#ok }
			name=${name#* }
			record skip "$where" "${name%% # SKIP*}" "${name#* # SKIP }"
			seen=$((seen + 1))
			;;
		"ok "*)
			name=${line#ok }
			record pass "$where" "${name#* }"
			seen=$((seen + 1))
			;;
		"not ok "*)
			name=${line#not ok }
			record fail "$where" "${name#* }"
			seen=$((seen + 1))
			;;
		esac
	done <"$file"
	if [ "$planned" -eq 0 ] || [ "$seen" -ne "$planned" ]; then
		record fail "$where" "selftest plan" "$seen of $planned results reported"
	fi
}

# summarize FILE: list skips and failures with their reasons, print the
# closing count line, and fail when anything failed.
summarize() {
	local file=$1 passed failed skipped

	passed=$(grep -c '^pass' "$file" || true)
	failed=$(grep -c '^fail' "$file" || true)
	skipped=$(grep -c '^skip' "$file" || true)
	echo
	if [ "$skipped" -gt 0 ]; then
		echo "Skipped:"
		awk -F'\t' '$1 == "skip" { printf "  %s: %s: %s\n", $2, $3, $4 }' "$file"
	fi
	if [ "$failed" -gt 0 ]; then
		echo "Failed:"
		awk -F'\t' '$1 == "fail" { printf "  %s: %s%s\n", $2, $3, ($4 ? " (" $4 ")" : "") }' "$file"
	fi
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
