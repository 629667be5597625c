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
	tools/oot/compat tools/oot/modules-load.d tools/oot/rtoffset.c
	tools/testing/selftests/realtime_offset/rtoff.h"

# linux_source: unpack Debian's linux-source-6.12 once into the cache and
# print the path of the pristine tree. Nothing ever writes into that tree.
linux_source() {
	local ver dir tarball

	need_pkgs linux-source-6.12
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	dir=$RTOFF_CACHE/src/$ver
	tarball=/usr/src/linux-source-6.12.tar.xz
	if [ ! -e "$dir/.complete" ]; then
		log "unpacking $tarball ($ver)"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir"
		touch "$dir/.complete"
	fi
	echo "$dir/linux-source-6.12"
}

# linux_git: the pristine tree of linux_source as a git repository with one
# commit, made the same way on every machine (fixed author and date), so that
# the series in patches/ names a base anyone can rebuild. Prints its path.
linux_git() {
	local src ver dir

	src=$(linux_source)
	ver=$(basename "$(dirname "$src")")
	dir=$RTOFF_CACHE/git/$ver
	if [ ! -e "$dir/.git/rtoff-complete" ]; then
		log "importing linux-source-6.12 $ver into git"
		rm -rf "$dir"
		mkdir -p "$dir"
		cp -a "$src/." "$dir/" &&
			git -C "$dir" init -q &&
			git -C "$dir" add -A -f &&
			GIT_AUTHOR_NAME=linux-source GIT_COMMITTER_NAME=linux-source \
			GIT_AUTHOR_EMAIL=nobody@invalid \
			GIT_COMMITTER_EMAIL=nobody@invalid \
			GIT_AUTHOR_DATE=2000-01-01T00:00:00Z \
			GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
			git -C "$dir" commit -q -m "Linux $(kernel_version "$dir") (Debian linux-source-6.12 $ver)" &&
			touch "$dir/.git/rtoff-complete" ||
			die "could not import $src into git"
	fi
	echo "$dir"
}

# intree_image_diff: the part of patches/ that the kernel image is built
# from: everything but the driver, its uapi header, the documentation, the
# selftests and MAINTAINERS, which go into the module, the docs and the tests.
intree_image_diff() {
	awk '/^From [0-9a-f]+ / { skip = 1 }
	     /^diff --git / {
		skip = $3 ~ "^a/(drivers/misc/realtime_offset[.]c|include/uapi/linux/realtime_offset[.]h|Documentation/|tools/|MAINTAINERS$)"
	     }
	     !skip' "$RTOFF_TOP"/patches/0*.patch
}

# intree_prepare: a worktree of linux_git with patches/ applied by git am,
# and beside it the build directory of our debug kernel with KASAN, prepared
# for building single files; sets RTOFF_INTREE to the directory that holds
# them: linux/ (the tree), obj/ (KASAN) and obj-kcsan/ (KCSAN, built by
# run-tests). They are kept in the cache under the hash of what the kernel
# image is built from (the kernel version, intree_image_diff, the config
# fragments and build-kernel), so that a change to the driver alone only
# reapplies the series and rebuilds the module; a new hash starts afresh
# and removes the old one. check and run-tests share it. Prints nothing;
# returns non-zero (with the logs on stderr) when the series does not apply.
intree_prepare() {
	local repo key applied dir

	repo=$(linux_git) || return 1
	key=$({
		basename "$repo"
		intree_image_diff
		cat "$RTOFF_OOT"/{debug,kasan,kcsan}.config "$RTOFF_OOT/build-kernel"
	} | sha1sum | cut -c1-16)
	applied=$(cat "$RTOFF_TOP"/patches/*.patch | sha1sum | cut -d' ' -f1)
	dir=$RTOFF_CACHE/intree/$key
	RTOFF_INTREE=$dir
	[ "$(cat "$dir/.applied" 2>/dev/null)" != "$applied" ] || return 0

	if [ ! -e "$dir/linux/.git" ]; then
		rm -rf "$RTOFF_CACHE/intree"
		git -C "$repo" worktree prune
		mkdir -p "$dir"
		git -C "$repo" worktree add -q --detach "$dir/linux" master \
			>"$dir/am.log" 2>&1 || {
			cat "$dir/am.log" >&2
			return 1
		}
	fi
	# Only the files the series touches are written again, so that make
	# rebuilds what depends on them and nothing else.
	rm -f "$dir/.applied"
	if (cd "$dir/linux" && git checkout -q -f --detach master &&
		git -c user.name=test -c user.email=test@invalid \
			am -q --empty=drop "$RTOFF_TOP"/patches/*.patch) >"$dir/am.log" 2>&1 &&
		"$RTOFF_OOT/build-kernel" "$dir/linux" "$dir/obj" prepare \
			>"$dir/prepare.log" 2>&1; then
		echo "$applied" >"$dir/.applied"
		return 0
	fi
	git -C "$dir/linux" am --abort >/dev/null 2>&1 || true
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
build_module() {
	local kdir=$1 out=$2
	shift 2

	rm -rf "$out"
	mkdir -p "$out"
	# shellcheck disable=SC2086
	(cd "$RTOFF_TOP" && cp --parents -r $RTOFF_MODULE_FILES "$out/") || return 1
	make -C "$kdir" M="$out" W=1 "$@" modules >"$out/build.log" 2>&1 || {
		cat "$out/build.log" >&2
		return 1
	}
	if grep -E 'warning:|error:' "$out/build.log" >&2; then
		return 1
	fi
}

# staged_install KDIR KREL BUILD ROOT: in BUILD (from build_module), make
# install MODULES_LOAD=1 into ROOT must leave the module where modprobe finds
# it for KREL, rtoffset in /usr/local/bin and the modules-load.d entry, and
# make uninstall must take them away again.
staged_install() {
	local kdir=$1 krel=$2 build=$3 root=$4

	rm -rf "$root"
	if make -C "$build" KDIR="$kdir" INSTALL_MOD_PATH="$root" DESTDIR="$root" \
		MODULES_LOAD=1 install >"$build/install.log" 2>&1 &&
		grep -q '^updates/realtime_offset\.ko' \
			"$root/lib/modules/$krel/modules.dep" &&
		[ -x "$root/usr/local/bin/rtoffset" ] &&
		grep -qx realtime_offset "$root/etc/modules-load.d/realtime_offset.conf" &&
		make -C "$build" KDIR="$kdir" INSTALL_MOD_PATH="$root" DESTDIR="$root" \
			uninstall >>"$build/install.log" 2>&1 &&
		! grep -q realtime_offset "$root/lib/modules/$krel/modules.dep" &&
		[ -z "$(find "$root" -name 'realtime_offset.ko*' -o -name rtoffset \
			-o -name realtime_offset.conf -o -name modules-load.d)" ]; then
		return 0
	fi
	cat "$build/install.log" >&2
	return 1
}

# build_selftest SRC OUTDIR: build the kselftest, static, the kernel's way
# (its lib.mk and harness come from the linux source tree SRC), with our uapi
# headers first.
build_selftest() {
	local src=$1 out=$2 f

	rm -rf "$out"
	mkdir -p "$out"
	for f in lib.mk kselftest.h kselftest_harness.h; do
		ln -s "$src/tools/testing/selftests/$f" "$out/$f"
	done
	cp -r "$RTOFF_TOP/tools/testing/selftests/realtime_offset" "$out/"
	make -C "$out/realtime_offset" OUTPUT="$out/realtime_offset" \
		KHDR_INCLUDES="-isystem $RTOFF_TOP/include/uapi" \
		LDFLAGS=-static >"$out/build.log" 2>&1 || {
		cat "$out/build.log" >&2
		return 1
	}
	if grep -E 'warning:|error:' "$out/build.log" >&2; then
		return 1
	fi
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
