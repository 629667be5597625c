# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # run-tests's variables
#
# intree.sh - sourced by run-tests: our own kernels, the series applied to
# Debian's linux-source and built with the sanitizers, and for arm64. Uses
# run-tests's $out, $src, $selftests, $tools, $stress_only, $stress_seconds
# and its payload functions.

# intree_kernel NAME: how phase NAME (debug, kcsan, lts or arm64) builds its
# kernel, for the phase and for intree_build_ahead alike. Sets $ktree (the
# series: mainline or lts), $ksan (the sanitizer: kasan, kcsan or none; with
# kasan, the selftests are built in the tree too), $kobj (the build
# directory, under $RTOFF_INTREE) and $kopts (build-kernel's other options),
# which its caller declares local.
intree_kernel() {
	kopts=()
	case $1 in
	debug) ktree=mainline ksan=kasan kobj=obj ;;
	kcsan) ktree=mainline ksan=kcsan kobj=obj-kcsan ;;
	lts) ktree=lts ksan=kcsan kobj=obj-kcsan ;;
	arm64) ktree=mainline ksan=none kobj=obj-arm64 kopts=(--arch arm64 --builtin) ;;
	*) die "intree_kernel: no kernel of ours is called $1" ;;
	esac
}

# intree_build: build-kernel, for the kernel that intree_kernel and
# intree_prepare have chosen in the caller's variables.
intree_build() {
	"$RTOFF_OOT/kernel/build-kernel" "${kopts[@]}" --sanitizer "$ksan" \
		"$RTOFF_INTREE/linux" "$RTOFF_INTREE/$kobj"
}

# intree_test NAME: the series as a kernel developer takes it, for phase
# NAME (debug, kcsan or lts): the tree's series (mainline or lts) applied with
# git am to the pristine tree and built into a debug kernel with the driver as
# a module, with KASAN and kmemleak (the selftests built the kernel's way too)
# or with KCSAN, which cannot be built with KASAN.
intree_test() {
	local name=$1 where tree obj ko selftest_dir kasan_args='' ktree ksan kobj kopts

	intree_kernel "$name"
	# check has recorded whether the series applies.
	intree_prepare "$ktree" || return 0
	tree=$RTOFF_INTREE/linux
	where="$name $(kernel_version "$tree")"
	obj=$RTOFF_INTREE/$kobj
	ko=$obj/drivers/misc/realtime_offset.ko
	mkdir -p "$out/$name"

	log "$where: building the kernel with $ksan (several minutes, unless cached)"
	expect "$where" "kernel build with $ksan, CONFIG_REALTIME_OFFSET=m" -- \
		logged "$out/$name/build.log" debug_kernel "$ko" || return 0

	selftest_dir=$selftests
	if [ "$ksan" = kasan ]; then
		# kmemleak's scans in the guest, and no5lvl: with 5-level paging,
		# an interrupt while identify_cpu() has cleared the boot CPU's
		# feature bits (LA57 among them; alternatives are not patched
		# yet) makes KASAN think the direct map has no shadow, and it
		# reports a wild access before the driver loads. Seen with Linux
		# 7.3 under TCG's -cpu max; a KVM host with LA57 can hit it too.
		kasan_args='RTOFF_KMEMLEAK=1 no5lvl'
		selftest_dir=$obj/kselftest/realtime_offset
		expect "$where" "selftest build in tree (TARGETS=realtime_offset)" -- \
			logged "$out/$name/kselftest.log" kselftest_in_tree "$tree" "$obj" || return 0
	fi

	if [ -z "$stress_only" ]; then
		tests_payload "$out/$name/payload" "$ko" "$selftest_dir"
		boot_and_record "$where" tests "$out/$name/vm" --kernel "$obj/arch/x86/boot/bzImage" \
			--mem 1024 --timeout 1800 --payload "$out/$name/payload" --append "$kasan_args"
	fi
	stress_payload "$out/$name/stress" "$ko" "$selftest_dir"
	boot_and_record "$where" stress "$out/$name/stress-vm" --kernel "$obj/arch/x86/boot/bzImage" \
		--mem 1024 --cpus 4 --timeout $((stress_seconds + 900)) \
		--payload "$out/$name/stress" --append "RTOFF_STRESS_SECONDS=$stress_seconds $kasan_args"
}

# intree_build_ahead NAME...: build the kernels of the phases NAME (debug,
# kcsan, lts, arm64) as those phases will, the in-tree selftests included,
# recording nothing. run-tests runs it in the background while
# Debian's kernels are tested: each phase then builds again, finds the work
# done, and records the result; a build that fails here fails there, with
# its log.
intree_build_ahead() {
	local name ktree ksan kobj kopts

	for name in "$@"; do
		log "building ahead: $name"
		if intree_kernel "$name" && intree_prepare "$ktree" && intree_build &&
			{ [ "$ksan" != kasan ] ||
				kselftest_in_tree "$RTOFF_INTREE/linux" "$RTOFF_INTREE/$kobj"; }; then
			continue
		fi
		log "building ahead: $name failed; its phase builds it again"
	done
}

# debug_kernel KO: intree_build, and the driver as the module KO (uses the
# caller's variables, as intree_build does).
debug_kernel() {
	intree_build && [ -e "$1" ]
}

# kselftest_in_tree TREE OBJ: the selftests built the kernel's way, static.
kselftest_in_tree() {
	make -C "$1" O="$2" ARCH=x86_64 headers &&
		make -C "$1/tools/testing/selftests" O="$2" TARGETS=realtime_offset LDFLAGS=-static
}

# The mainline series cross-built for arm64 with Debian's
# gcc-aarch64-linux-gnu, the driver built in (=y), booted on QEMU's virt
# machine under TCG: the selftests and the stress program, cross-built too.
# virt has no suspend to RAM: the resume case skips, saying so.
# cross_build DIR CC: the selftests and the guest's tools for arm64.
cross_build() {
	build_selftest "$src" "$1/selftest" "$2" && build_guest_tools "$1/tools" "$2"
}

arm64_test() {
	local where tree obj dir=$out/arm64 cc=aarch64-linux-gnu-gcc ktree ksan kobj kopts

	# The cross compiler, and the C library the static test programs link.
	need_pkgs gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	intree_kernel arm64
	intree_prepare "$ktree" || return 0
	tree=$RTOFF_INTREE/linux
	obj=$RTOFF_INTREE/$kobj
	where="arm64 $(kernel_version "$tree")"
	mkdir -p "$dir"

	log "$where: cross-building the kernel (several minutes, unless cached)"
	expect "$where" "kernel cross-build, CONFIG_REALTIME_OFFSET=y" -- \
		logged "$dir/build.log" intree_build || return 0
	expect "$where" "selftest, rtoffset and helpers cross-build (static, -Wall, no warnings)" -- \
		cross_build "$dir" "$cc" || return 0

	selftests_arm64=$dir/selftest/realtime_offset
	if [ -z "$stress_only" ]; then
		guest_payload "$dir/payload" tests "$selftests_arm64/realtime_offset_test" \
			"$selftests_arm64/realtime_offset_step" "$dir/tools/rtoffset" \
			"$dir/tools/convert-check" "$dir/tools/librtoff-test" "$RTOFF_OOT/guest/cli-test"
		boot_and_record "$where" tests "$dir/vm" --arch arm64 --kernel "$obj/arch/arm64/boot/Image" \
			--mem 1024 --timeout 3600 --payload "$dir/payload" --append RTOFF_BUILTIN=1
	fi
	stress_payload "$dir/stress" builtin "$selftests_arm64"
	boot_and_record "$where" stress "$dir/stress-vm" --arch arm64 --kernel "$obj/arch/arm64/boot/Image" \
		--mem 1024 --cpus 4 --timeout $((stress_seconds + 1200)) --payload "$dir/stress" \
		--append "RTOFF_STRESS_SECONDS=$stress_seconds RTOFF_BUILTIN=1"
}
