# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # deb-test's variables
#
# deb-package.sh - sourced by deb-test: the packages installed in the root
# with apt, the module DKMS built there booted in QEMU, and the packages
# purged. Uses deb-test's $root, $out, $debs, $where, $selftest and $KREL.

# apt_in_root LOG ARGS...: apt-get ARGS in the root, its output in LOG,
# shown when it fails.
apt_in_root() {
	local log=$1
	shift

	in_root apt-get "$@" >"$log" 2>&1 && return 0
	cat "$log" >&2
	return 1
}

# packaged_files: the modules-load.d entry and rtoffset are where the
# package puts them.
packaged_files() {
	grep -qx realtime_offset "$root/usr/lib/modules-load.d/realtime_offset.conf" &&
		[ -x "$root/usr/bin/rtoffset" ]
}

# purged: the root is as before the install, and dpkg knows nothing of the
# packages.
purged() {
	listing "$out/purged.list"
	same_root "$out/before.list" "$out/purged.list" purge &&
		! in_root dpkg-query -W realtime-offset-dkms rtoffset >/dev/null 2>&1 &&
		[ -z "$(find "$root/var/lib/dpkg/info" -name 'realtime-offset-dkms[.:]*' \
			-o -name 'rtoffset[.:]*')" ]
}

# guest_test: guest/packaged with what the install put in the root: the
# module where DKMS put it with modules.dep, the modules-load.d entry, the
# packaged rtoffset with the C library it links.
guest_test() {
	local payload=$out/payload sys lib real

	build_guest_tools "$out/tools" &&
		guest_payload "$payload" packaged "$selftest" "$RTOFF_OOT/guest/cli-test" \
			"$out/tools/convert-check" || return 1
	sys=$payload/sysroot
	mkdir -p "$sys/lib/modules/$KREL/updates/dkms" "$sys/usr/bin" "$sys/usr/lib"
	cp "$root/lib/modules/$KREL/updates/dkms/"realtime_offset.ko* \
		"$sys/lib/modules/$KREL/updates/dkms/"
	cp "$root/lib/modules/$KREL/modules.dep" "$sys/lib/modules/$KREL/"
	cp -R "$root/usr/lib/modules-load.d" "$sys/usr/lib/"
	cp "$root/usr/bin/rtoffset" "$sys/usr/bin/"
	for lib in $(in_root ldd /usr/bin/rtoffset | grep -o '/[^ ]*'); do
		real=$(in_root readlink -f "$lib")
		mkdir -p "$sys${lib%/*}"
		cp "$root$real" "$sys$lib"
	done
	boot_and_record "$where" "" "$out/vm" --kernel "$VMLINUZ" --payload "$payload"
}

# package_test: install, guest, purge.
package_test() {
	local version d p

	version=$(dpkg-parsechangelog -l "$RTOFF_OOT/pkg/debian/changelog" -S Version)
	d=realtime-offset-dkms_${version}_all.deb
	p=rtoffset_${version}_$(dpkg --print-architecture).deb
	cp "$debs/$d" "$debs/$p" "$root/tmp/"
	expect "$where" "apt installs realtime-offset-dkms and rtoffset" -- \
		apt_in_root "$out/install.log" install -y -q "/tmp/$d" "/tmp/$p" || return 0
	expect "$where" "DKMS builds and installs the module for $KREL on install" -- \
		dkms_installed "$version" || return 0
	expect "$where" "the package installs the modules-load.d entry and rtoffset" -- \
		packaged_files || true

	if [ -n "$selftest" ]; then
		guest_test
	else
		record fail "$where" "selftest build (static)"
	fi

	expect "$where" "apt purges realtime-offset-dkms and rtoffset" -- \
		apt_in_root "$out/purge.log" purge -y -q realtime-offset-dkms rtoffset || true
	expect "$where" "purge leaves nothing behind (files, DKMS tree, dpkg)" -- purged || true
}
