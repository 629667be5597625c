# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # deb-test's variables
#
# deb-root.sh - sourced by deb-test: the disposable Debian 12 root the
# packages are tested in, made from a tarball kept in the cache, and the
# means to compare it with itself before. Uses deb-test's $root, $out, $KREL
# and $base_pkgs.

# unmount_root: nothing of the root may stay mounted, least of all before
# it is deleted.
unmount_root() {
	unmount_under "$root"
}

# in_root CMD...: run CMD in the root with a clean environment.
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# base_tarball: the pristine root, minbase with $base_pkgs and Debian's
# kernel and headers for $KREL, from the Debian suites this machine's apt
# uses (only they may be reachable); made again when any of these or their
# candidate versions change. Prints its path.
base_tarball() {
	local sources pkgs key tar

	# shellcheck disable=SC2016 # apt's format, not the shell's
	sources=$(apt-get indextargets --format '$(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)' \
		'Created-By: Packages' | awk '$1 == "deb" && $3 ~ /^bookworm(-.*)?$/' | sort -u)
	[ -n "$sources" ] || die "this machine's apt uses no bookworm suite"
	# shellcheck disable=SC2153 # KREL comes from fetch-kernel
	pkgs="$base_pkgs linux-image-$KREL linux-headers-$KREL"
	# shellcheck disable=SC2086
	key=$({ echo "$sources"; apt-cache policy $pkgs | grep -E '^[^ ]|Candidate'; } |
		sha1sum | cut -c1-12)
	tar=$RTOFF_CACHE/roots/bookworm-$KREL-$key.tar
	if [ ! -e "$tar" ]; then
		log "making a Debian 12 root with $pkgs (a few minutes, once)"
		mkdir -p "$RTOFF_CACHE/roots"
		rm -f "$RTOFF_CACHE/roots/bookworm-"*
		echo "$sources" | mmdebstrap --variant=minbase --format=tar \
			--include="${pkgs// /,}" bookworm "$tar.tmp" - >"$out/mmdebstrap.log" 2>&1 || {
			tail -n 30 "$out/mmdebstrap.log" >&2
			rm -f "$tar.tmp"
			return 1
		}
		mv "$tar.tmp" "$tar"
	fi
	echo "$tar"
}

# make_root: the root, from base_tarball, prepared.
make_root() {
	local tarball

	tarball=$(base_tarball) && prepare_root "$tarball"
}

# prepare_root TARBALL: unpack it into $root, mount /proc (DKMS watches its
# build there), and replace what could load a module into this machine's
# kernel with a stub that logs and fails.
prepare_root() {
	local tool

	mkdir -p "$root"
	tar -xf "$1" -C "$root" --numeric-owner || return 1
	mount -t proc proc "$root/proc" || return 1
	for tool in modprobe insmod rmmod; do
		rm -f "$root/usr/sbin/$tool"
		# shellcheck disable=SC2016 # the stub's own variables
		printf '#!/bin/sh\necho "$0 $*" >>/tmp/module-loads\nexit 1\n' \
			>"$root/usr/sbin/$tool"
		chmod 755 "$root/usr/sbin/$tool"
	done
}

# listing FILE: every path of the root with its type, mode, owner, link
# target and, for files, content, leaving out the records that any apt run
# rewrites (logs, apt's caches and lists, dpkg's database: the packages'
# entries there are checked apart), ldconfig's cache, which the install of
# any shared library starts, and the mounts.
listing() {
	local skip=(\( -path ./proc -o -path ./dev -o -path ./sys -o -path ./run -o -path ./tmp
		-o -path ./var/log -o -path ./var/cache/apt -o -path ./var/cache/debconf
		-o -path ./var/cache/ldconfig -o -path ./var/lib/apt -o -path ./var/lib/dpkg \)
		-prune -o)

	(
		cd "$root" || exit 1
		find . -xdev "${skip[@]}" -printf '%p %y %m %u:%g %l\n'
		find . -xdev "${skip[@]}" -type f -print0 |
			xargs -0 -r md5sum | sed 's/^\([0-9a-f]*\)  \(.*\)$/\2 md5 \1/'
	) | LC_ALL=C sort >"$1"
}

# same_root BEFORE AFTER NAME: AFTER lists what BEFORE does, but DKMS's own
# signing key, which it makes at its first build and keeps for every module
# it signs. Prints any difference.
same_root() {
	diff "$1" "$2" | grep '^[<>]' |
		grep -Ev '^> \./var/lib/dkms/mok\.(key|pub) ' >"$out/$3.diff" || true
	if [ -s "$out/$3.diff" ]; then
		log "$3: the root differs from before (< before, > after):"
		head -n 40 "$out/$3.diff" >&2
		return 1
	fi
}

# dkms_installed VERSION: DKMS has the module built and installed for $KREL,
# where modprobe finds it, built for $KREL.
dkms_installed() {
	local ko

	# dkms's readelf on the headers' vmlinux complains of no .comment.
	grep -q ': installed' <<<"$(in_root dkms status "realtime-offset/$1" -k "$KREL" 2>/dev/null)" &&
		ko=$(cd "$root" && find "lib/modules/$KREL/updates/dkms" -name 'realtime_offset.ko*') &&
		[ -n "$ko" ] &&
		grep -q "^updates/dkms/${ko##*/}:" "$root/lib/modules/$KREL/modules.dep" &&
		grep -q "^$KREL " <<<"$(in_root modinfo -F vermagic "/$ko")"
}

# not_loaded: nothing in the root tried to load or unload a module.
not_loaded() {
	[ ! -s "$root/tmp/module-loads" ] || {
		cat "$root/tmp/module-loads" >&2
		return 1
	}
}
