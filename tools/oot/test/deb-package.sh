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
		! in_root dpkg-query -W realtime-offset-dkms rtoffset librtoff1 librtoff-dev \
			python3-rtoffset >/dev/null 2>&1 &&
		[ -z "$(find "$root/var/lib/dpkg/info" -name 'realtime-offset-dkms[.:]*' \
			-o -name 'rtoffset[.:]*' -o -name 'librtoff*' -o -name 'python3-rtoffset[.:]*')" ]
}

# librtoff_test_in_root: librtoff-test built in the root as a user of the
# installed librtoff-dev builds a program: with pkg-config, linked to the
# shared library (the kselftest harness comes from the kernel's source).
librtoff_test_in_root() {
	local src

	src=$(linux_source)/tools/testing/selftests
	mkdir -p "$root/tmp/librtoff-test"
	cp "$RTOFF_OOT/guest/librtoff-test.c" "$src/kselftest_harness.h" "$src/kselftest.h" \
		"$root/tmp/librtoff-test/"
	in_root sh -c 'cd /tmp/librtoff-test && cc -O2 -Wall -Wextra -o librtoff-test \
		librtoff-test.c $(pkg-config --cflags --libs rtoff)' >"$out/librtoff-test.log" 2>&1 &&
		grep -q 'librtoff\.so\.1 =>' <<<"$(in_root ldd /tmp/librtoff-test/librtoff-test)" ||
		{ cat "$out/librtoff-test.log" >&2; return 1; }
}

# units_verified: systemd-analyze verify finds nothing wrong with the
# metrics timer and its service, as installed.
units_verified() {
	local unit=/usr/lib/systemd/system/rtoffset-metrics

	# The root has no man-db to look Documentation= up with.
	in_root systemd-analyze verify --man=no "$unit.timer" "$unit.service" \
		>"$out/units.log" 2>&1 &&
		! grep -q . "$out/units.log" || { cat "$out/units.log" >&2; return 1; }
}

# alert_rules_checked: promtool check rules passes the example alerting
# rules as installed.
alert_rules_checked() {
	in_root promtool check rules /usr/share/doc/rtoffset/examples/rtoffset-alerts.yml \
		>"$out/rules.log" 2>&1 || { cat "$out/rules.log" >&2; return 1; }
}

# sysroot_copy SYS PATH...: PATHs of the root into SYS, with the C libraries
# that the programs and shared objects among them link.
sysroot_copy() {
	local sys=$1 path lib real
	shift

	for path in "$@"; do
		mkdir -p "$sys${path%/*}"
		cp -a "$root$path" "$sys${path%/*}/"
		case $path in
		*.so | *.so.*) ;;
		*) [ -f "$root$path" ] && [ -x "$root$path" ] || continue ;;
		esac
		for lib in $(in_root ldd "$path" 2>/dev/null | grep -o '/[^ ]*'); do
			real=$(in_root readlink -f "$lib")
			mkdir -p "$sys${lib%/*}"
			cp "$root$real" "$sys$lib"
		done
	done
}

# guest_test: guest/packaged with what the install put in the root: the
# module where DKMS put it with modules.dep, the modules-load.d entry, the
# packaged rtoffset, librtoff and the Python module with Python itself (its
# extension modules with the libraries they link), librtoff-test built in
# the root, and promtool and prometheus_client to check the metrics.
guest_test() {
	local payload=$out/payload sys pyver prometheus

	build_guest_tools "$out/tools" &&
		guest_payload "$payload" packaged "$selftest" "$RTOFF_OOT/guest/cli-test" \
			"$RTOFF_OOT/guest/python-test" "$out/tools/convert-check" \
			"$root/tmp/librtoff-test/librtoff-test" || return 1
	sys=$payload/sysroot
	pyver=$(in_root readlink -f /usr/bin/python3)
	prometheus=$(in_root python3 -c 'import decorator, prometheus_client
print(decorator.__file__, prometheus_client.__path__[0])') || return 1
	# shellcheck disable=SC2046 # the extension modules, a path each
	sysroot_copy "$sys" "/lib/modules/$KREL/updates/dkms" "/lib/modules/$KREL/modules.dep" \
		/usr/lib/modules-load.d /usr/bin/rtoffset /tmp/librtoff-test/librtoff-test \
		/usr/lib/systemd/system/rtoffset-metrics.service \
		/usr/bin/python3 "$pyver" "/usr/lib/${pyver##*/}" /usr/lib/python3/dist-packages/rtoffset.py \
		"$(in_root sh -c 'echo /usr/lib/*/librtoff.so.1')" \
		$(in_root sh -c "echo /usr/lib/${pyver##*/}/lib-dynload/*.so") \
		/usr/bin/promtool $prometheus
	boot_and_record "$where" "" "$out/vm" --kernel "$VMLINUZ" --payload "$payload" --mem 768
}

# package_test: install, guest, purge.
package_test() {
	local version arch debs_in_root=() p

	version=$(dpkg-parsechangelog -l "$RTOFF_OOT/pkg/debian/changelog" -S Version)
	arch=$(dpkg --print-architecture)
	for p in realtime-offset-dkms_${version}_all rtoffset_${version}_$arch \
		librtoff1_${version}_$arch librtoff-dev_${version}_$arch \
		python3-rtoffset_${version}_all; do
		cp "$debs/$p.deb" "$root/tmp/"
		debs_in_root+=("/tmp/$p.deb")
	done
	expect "$where" "apt installs the five packages" -- \
		apt_in_root "$out/install.log" install -y -q "${debs_in_root[@]}" || return 0
	expect "$where" "DKMS builds and installs the module for $KREL on install" -- \
		dkms_installed "$version" || return 0
	expect "$where" "the package installs the modules-load.d entry and rtoffset" -- \
		packaged_files || true

	expect "$where" "a program built with pkg-config --cflags --libs rtoff" -- \
		librtoff_test_in_root || true
	expect "$where" "systemd-analyze verify rtoffset-metrics.timer and .service" -- \
		units_verified || true
	expect "$where" "promtool check rules of the example alerting rules" -- \
		alert_rules_checked || true
	if [ -n "$selftest" ]; then
		guest_test
	else
		record fail "$where" "selftest build (static)"
	fi

	rm -rf "$root/tmp/librtoff-test"
	expect "$where" "apt purges the five packages" -- \
		apt_in_root "$out/purge.log" purge -y -q realtime-offset-dkms rtoffset \
		librtoff1 librtoff-dev python3-rtoffset || true
	expect "$where" "purge leaves nothing behind (files, DKMS tree, dpkg)" -- purged || true
}
