# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# results.sh - part of lib.sh: results recorded, KTAP read, guests booted
# and judged, the summary.

# record RESULT WHERE CASE [REASON]: RESULT is pass, fail or skip. Printed,
# and kept in $RTOFF_RESULTS (when set) for the summary of run-tests.
record() {
	printf '%-4s %s: %s%s\n' "${1^^}" "$2" "$3" \
		"${4:+ ($4)}" >&2
	if [ -n "${RTOFF_RESULTS:-}" ]; then
		printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$RTOFF_RESULTS"
	fi
}

# expect WHERE CASE -- CMD...: run CMD and record CASE at WHERE, passed
# when CMD succeeds, failed when not; returns CMD's status.
expect() {
	local where=$1 name=$2 rc=0

	[ "${3:-}" = -- ] || die "expect $where $name: no -- before the command"
	shift 3
	"$@" || rc=$?
	if [ "$rc" -eq 0 ]; then
		record pass "$where" "$name"
	else
		record fail "$where" "$name"
	fi
	return "$rc"
}

# logged LOG CMD...: CMD with its output in LOG, and the end of LOG on
# stderr when CMD fails. For expect: a redirection of expect itself would
# take the line that records the result too.
logged() {
	local log=$1
	shift

	"$@" >"$log" 2>&1 && return 0
	tail -n 30 "$log" >&2
	return 1
}

# record_ktap WHERE FILE: one result per test line of the KTAP in FILE, those
# of subtests (indented two spaces a level) included, and a failure for each
# level that ends with fewer results than its plan (a test program that
# crashed or hung).
record_ktap() {
	local where=$1 file=$2 line body depth d name
	local -a planned=() seen=()

	# close_to D: end every subtest deeper than D, checking its plan.
	close_to() {
		for ((d = ${#seen[@]} - 1; d > $1; d--)); do
			if [ -z "${planned[d]:-}" ]; then
				record fail "$where" "selftest plan" \
					"no plan at level $d, ${seen[d]} results"
			elif [ "${seen[d]}" -ne "${planned[d]}" ]; then
				record fail "$where" "selftest plan" \
					"${seen[d]} of ${planned[d]} results reported at level $d"
			fi
			unset 'planned[d]' 'seen[d]'
		done
	}

	seen[0]=0
	while IFS= read -r line; do
		line=${line%$'\r'}
		body=${line#"${line%%[! ]*}"}
		depth=$(((${#line} - ${#body}) / 2))
		case $body in
		"TAP version "* | "KTAP version "* | 1..* | "ok "* | "not ok "*) ;;
		*) continue ;;
		esac
		# A line at a level deeper than any open one begins a subtest.
		for ((d = ${#seen[@]}; d <= depth; d++)); do
			seen[d]=0
		done
		case $body in
		1..*)
			planned[depth]=${body#1..}
			planned[depth]=${planned[depth]%% *}
			;;
		"ok "* | "not ok "*)
			close_to "$depth"
			seen[depth]=$((seen[depth] + 1))
			name=${body#not }
			name=${name#ok }
			name=${name#* }
			case $body in
			"not ok "*) record fail "$where" "$name" ;;
			*" # SKIP"*) record skip "$where" "${name%% # SKIP*}" "${name#* # SKIP }" ;;
			*) record pass "$where" "$name" ;;
			esac
			;;
		esac
	done <"$file"
	close_to -1
}

# boot_and_record WHERE WHAT LOGDIR VM-RUN-ARGS...: boot a guest with vm-run,
# record whether it finished without a splat ("WHAT: guest finished...";
# WHAT may be empty), and each of its KTAP results.
boot_and_record() {
	local where=$1 what=$2 name="${2:+$2: }guest finished, no kernel splat" logdir=$3 rc=0
	shift 3

	log "$where: booting in QEMU${what:+: $what}"
	"$RTOFF_OOT/vm/vm-run" --log-dir "$logdir" "$@" || rc=$?
	case $rc in
	0 | 1) record pass "$where" "$name" ;;
	2) record fail "$where" "$name" "splat in $logdir/console.log" ;;
	*) record fail "$where" "$name" "vm-run exit $rc, see $logdir" ;;
	esac
	# vm-run that could not boot the guest (recorded above) leaves no log.
	[ ! -e "$logdir/output.log" ] || record_ktap "$where" "$logdir/output.log"
}

# guest_payload DIR RUNNER FILE...: a payload for vm-run in DIR: the guest's
# RUNNER (tests, stress or packaged, from guest/) as run.sh, what the
# runners source (guest/common.sh, the kernel's ktap_helpers.sh, looked up
# once), and FILEs.
guest_payload() {
	local dir=$1 runner=$2
	shift 2

	if [ -z "${RTOFF_KTAP_HELPERS:-}" ]; then
		RTOFF_KTAP_HELPERS=$(linux_source)/tools/testing/selftests/kselftest/ktap_helpers.sh ||
			return 1
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$RTOFF_OOT/guest/$runner" "$dir/run.sh" &&
		cp "$RTOFF_OOT/guest/common.sh" "$RTOFF_KTAP_HELPERS" "$@" "$dir/"
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
