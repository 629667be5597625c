# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - shared by the host scripts in tools/oot. Source it; it sets
# RTOFF_TOP (the repository), RTOFF_OOT (this directory) and RTOFF_CACHE.
#
# Exit status, the same in every script of tools/oot, the guest's included:
# 0 done, or all passed; 1 something failed (a test, a build, a check); 64
# bad usage (EX_USAGE of sysexits.h). vm-run says more about a guest with 2
# (a splat), 3 (it did not finish) and 4 (it could not be run). rtoffset
# keeps its own, documented in its man page.

RTOFF_OOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RTOFF_TOP=$(cd "$RTOFF_OOT/../.." && pwd)
RTOFF_CACHE=${RTOFF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/realtime_offset}
export RTOFF_CACHE
# apt's and make's output is parsed, and sort's order goes into cache keys:
# the same on every machine, whatever its user's language.
export LC_ALL=C.UTF-8
# When the top-level script started, for what must not change during a run.
RTOFF_RUN_START=${RTOFF_RUN_START:-$(date +%s)}
export RTOFF_RUN_START

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
		apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null ||
			die "apt-get update failed"
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

# What lint needs besides: coccicheck, htmldocs, shellcheck, and the patched
# tree.
# shellcheck disable=SC2034 # used by the scripts that source this
RTOFF_CHECK_PKGS="coccinelle ocaml-nox python3-sphinx shellcheck $RTOFF_KBUILD_PKGS"

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
	# A fresh machine's apt-daily may hold the lock for a while: wait.
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
		--no-install-recommends "${missing[@]}" >&2 ||
		die "could not install ${missing[*]}"
}

# The rest of the library, by subject.
# shellcheck source=tools/oot/lib/source.sh
. "$RTOFF_OOT/lib/source.sh"
# shellcheck source=tools/oot/lib/build.sh
. "$RTOFF_OOT/lib/build.sh"
# shellcheck source=tools/oot/lib/debian.sh
. "$RTOFF_OOT/lib/debian.sh"
# shellcheck source=tools/oot/lib/results.sh
. "$RTOFF_OOT/lib/results.sh"
