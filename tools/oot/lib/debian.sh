# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# debian.sh - part of lib.sh: trixie and trixie-backports through a
# private apt configuration, the Debian 13 root the 7.x modules are built in,
# and the guests' busybox.

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

# trixie_lists [force]: refresh trixie's lists when they are missing, when
# forced, or when they are more than an hour older than this run: never in
# the middle of a run, whose later steps would meet newer kernels than its
# earlier ones resolved.
trixie_lists() {
	local dir=$RTOFF_CACHE/apt/trixie

	if [ "${1:-}" = force ] || [ ! -e "$dir/updated" ] ||
		[ "$(stat -c %Y "$dir/updated")" -lt $((RTOFF_RUN_START - 3600)) ]; then
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
	! grep -qF "$1/" <<<"$(findmnt -rn -o TARGET)"
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
