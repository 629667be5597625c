# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # deb-test's variables
#
# deb-dkms.sh - sourced by deb-test: make dkms-install and dkms-uninstall,
# as a user of the repository runs them, in the root. Uses deb-test's
# $root, $out, $where and $KREL.

# dkms_install SRC VERSION: make dkms-install in SRC in the root, which must
# leave the module built and installed, and the modules-load.d entry.
dkms_install() {
	if in_root make -C "$1" dkms-install KERNELVER="$KREL" MODULES_LOAD=1 \
		>"$out/dkms-install.log" 2>&1 && dkms_installed "$2" &&
		grep -qx realtime_offset "$root/etc/modules-load.d/realtime_offset.conf"; then
		return 0
	fi
	cat "$out/dkms-install.log" >&2
	return 1
}

# dkms_make_test: make dkms-install and dkms-uninstall from a copy of the
# repository's files in the root.
dkms_make_test() {
	local src=/root/realtime_offset version

	mkdir -p "$root$src"
	# shellcheck disable=SC2046 # a list of paths
	(cd "$RTOFF_TOP" && cp -R --parents $(module_files) tools/oot/pkg/dkms.conf \
		tools/oot/pkg/debian "$root$src/")
	version=$(dpkg-parsechangelog -l "$RTOFF_OOT/pkg/debian/changelog" -S Version)
	version=${version%-*}
	expect "$where" "make dkms-install MODULES_LOAD=1 builds and installs the module" -- \
		dkms_install "$src" "$version" || true
	in_root make -C "$src" dkms-uninstall >"$out/dkms-uninstall.log" 2>&1 ||
		cat "$out/dkms-uninstall.log" >&2
	rm -rf "${root:?}$src"
	listing "$out/dkms-uninstalled.list"
	expect "$where" "make dkms-uninstall leaves nothing behind" -- \
		same_root "$out/before.list" "$out/dkms-uninstalled.list" dkms-uninstall || true
}
