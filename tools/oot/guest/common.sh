# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# common.sh - sourced by the guest's test runners (tests, stress and
# packaged), after the kernel's ktap_helpers.sh: the steps they share, each
# one KTAP result.

# subtest NAME CMD...: CMD's own KTAP, nested two spaces in as a subtest,
# line by line as it comes (a guest that hangs keeps what it printed), then
# one result, NAME: ok when CMD exits 0; fails as CMD.
subtest() {
	local name=$1 rc line

	shift
	{
		"$@" 2>&1
		echo $? >/tmp/subtest.rc
	} | while IFS= read -r line; do
		echo "  $line"
	done
	rc=$(cat /tmp/subtest.rc)
	if [ "$rc" -eq 0 ]; then
		ktap_test_pass "$name"
	else
		ktap_test_fail "$name"
		return 1
	fi
}

# check NAME CMD...: a result for NAME, ok when CMD succeeds; fails as CMD.
check() {
	local name=$1

	shift
	if "$@"; then
		ktap_test_pass "$name"
	else
		ktap_test_fail "$name"
		return 1
	fi
}

# kmemleak: whether a scan finds leaks. It reports only objects older than
# 5 s, after a scan: the unloaded module's must have aged.
kmemleak() {
	local leaks

	sleep 6
	if echo scan >/sys/kernel/debug/kmemleak; then
		leaks=$(cat /sys/kernel/debug/kmemleak)
	else
		leaks="no kmemleak scan"
	fi
	[ -z "$leaks" ] || echo "$leaks" | sed 's/^/# /'
	check "kmemleak: no leaks" [ -z "$leaks" ]
}
