# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# source.sh - part of lib.sh: the kernel trees the series is made on and
# applied to (linux-source from Debian, as git), and the debug kernels' build
# directories with the series applied.

# base_package TREE: the Debian source package of TREE (mainline or lts),
# as tools/oot/upstream/base records it.
base_package() {
	local pkg

	pkg=$(sed -n "s/^$1 //p" "$RTOFF_OOT/upstream/base")
	[ -n "$pkg" ] || die "tools/oot/upstream/base names no $1 tree"
	echo "$pkg"
}

# linux_source [TREE]: unpack the newest version of TREE's (default:
# mainline) package once into the cache and print the path of the pristine
# tree. Nothing ever writes into that tree. The mainline package comes from
# trixie-backports through trixie_apt, the LTS one from this machine's apt.
linux_source() {
	local tree=${1:-mainline} pkg ver dir deb

	pkg=$(base_package "$tree")
	if [ "$tree" = lts ]; then
		need_pkgs "$pkg"
		ver=$(dpkg-query -W -f='${Version}' "$pkg")
	else
		trixie_lists
		ver=$(trixie_apt apt-cache show "$pkg" 2>/dev/null |
			sed -n 's/^Version: //p' | sort -V | tail -n 1)
		[ -n "$ver" ] || die "no $pkg in trixie-backports"
	fi
	dir=$RTOFF_CACHE/src/$ver
	if [ ! -e "$dir/.complete" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		if [ "$tree" = lts ]; then
			log "unpacking /usr/src/$pkg.tar.xz ($ver)"
			tar -xf "/usr/src/$pkg.tar.xz" -C "$dir" ||
				die "could not unpack /usr/src/$pkg.tar.xz"
		else
			log "downloading and unpacking $pkg $ver"
			(cd "$dir" && trixie_apt apt-get download -q "$pkg=$ver" >/dev/null) ||
				die "could not download $pkg $ver"
			deb=$(echo "$dir/${pkg}_"*.deb)
			dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" |
				tar -xJ -C "$dir" || die "could not unpack $deb"
			rm -f "$deb"
		fi
		touch "$dir/.complete"
	fi
	echo "$dir/$pkg"
}

# linux_git [TREE]: the pristine tree of linux_source TREE as a git
# repository with one commit, made the same way on every machine (fixed
# author and date), so that a series names a base anyone can rebuild.
# Prints its path.
linux_git() {
	local src ver dir

	src=$(linux_source "${1:-mainline}")
	ver=$(basename "$(dirname "$src")")
	dir=$RTOFF_CACHE/git/$ver
	if [ ! -e "$dir/.git/rtoff-complete" ]; then
		log "importing ${src##*/} $ver into git"
		rm -rf "$dir"
		mkdir -p "$dir"
		cp -a "$src/." "$dir/" &&
			git -C "$dir" init -q -b master &&
			git -C "$dir" add -A -f &&
			GIT_AUTHOR_NAME=linux-source GIT_COMMITTER_NAME=linux-source \
			GIT_AUTHOR_EMAIL=nobody@invalid \
			GIT_COMMITTER_EMAIL=nobody@invalid \
			GIT_AUTHOR_DATE=2000-01-01T00:00:00Z \
			GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
			git -C "$dir" commit -q -m "Linux $(kernel_version "$dir") (Debian ${src##*/} $ver)" &&
			touch "$dir/.git/rtoff-complete" ||
			die "could not import $src into git"
	fi
	echo "$dir"
}

# series_dir TREE: the directory of TREE's series (mainline: patches/, lts:
# patches/X.Y).
series_dir() {
	if [ "$1" = lts ]; then
		echo "$RTOFF_TOP/patches/$(sed -n 's/^lts linux-source-//p' "$RTOFF_OOT/upstream/base")"
	else
		echo "$RTOFF_TOP/patches"
	fi
}

# intree_image_diff TREE: the part of TREE's series that the kernel image is
# built from: everything but the driver, its uapi header, the documentation,
# the selftests and MAINTAINERS, and but the commit messages.
intree_image_diff() {
	awk '/^From [0-9a-f]+ / { skip = 1 }
	     /^diff --git / {
		skip = $3 ~ "^a/(drivers/misc/realtime_offset[.]c|include/uapi/linux/realtime_offset[.]h|Documentation/|tools/|MAINTAINERS$)"
	     }
	     !skip' "$(series_dir "$1")"/0*.patch
}

# intree_prepare TREE: a worktree of linux_git TREE with TREE's series
# applied by git am; for mainline, beside it the build directory of our debug
# kernel with KASAN, prepared for building single files. Sets RTOFF_INTREE to
# the directory that holds them: linux/ (the tree), obj/ (KASAN, mainline),
# obj-kcsan/ (KCSAN) and obj-arm64/ (mainline), the last two built by
# run-tests. They are kept in the cache under the hash of what the kernel
# images are built from (the tree's version, intree_image_diff, the config
# fragments and build-kernel; build-kernel itself configures a build
# directory afresh when its fragments changed), so that a change to the
# driver alone only reapplies the series and rebuilds the module; a new hash
# starts afresh and removes the old one of the same TREE. check and run-tests
# share them, and so do clones of this repository: the first call takes a
# lock on them that the process holds until it ends. Prints nothing; returns
# non-zero (with the logs on stderr) when the series does not apply.
intree_prepare() {
	local which=$1 repo key applied dir old series sanitizer=kasan touched

	if [ -z "${RTOFF_INTREE_LOCK:-}" ]; then
		mkdir -p "$RTOFF_CACHE"
		exec {RTOFF_INTREE_LOCK}>>"$RTOFF_CACHE/intree.lock"
		if ! flock -n "$RTOFF_INTREE_LOCK"; then
			log "waiting for another run to finish with $RTOFF_CACHE/intree"
			flock "$RTOFF_INTREE_LOCK"
		fi
	fi
	repo=$(linux_git "$which") || return 1
	series=$(series_dir "$which")
	[ "$which" = mainline ] || sanitizer=kcsan
	key=$({
		basename "$repo"
		intree_image_diff "$which"
		cat "$RTOFF_OOT"/kernel/{debug,x86_64,arm64,$sanitizer}.config "$RTOFF_OOT/kernel/build-kernel"
	} | sha1sum | cut -c1-16)
	applied=$(cat "$series"/*.patch | sha1sum | cut -d' ' -f1)
	dir=$RTOFF_CACHE/intree/$key
	# shellcheck disable=SC2034 # used by the scripts that source this
	RTOFF_INTREE=$dir
	[ "$(cat "$dir/.applied" 2>/dev/null)" != "$applied" ] || return 0

	if ! git -C "$dir/linux" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		for old in "$RTOFF_CACHE"/intree/*; do
			[ -e "$old" ] || continue
			[ "$(cat "$old/.tree" 2>/dev/null)" = "$which" ] ||
				[ ! -e "$old/.tree" ] || continue
			rm -rf "$old"
		done
		git -C "$repo" worktree prune
		mkdir -p "$dir"
		echo "$which" >"$dir/.tree"
		git -C "$repo" worktree add -q --detach "$dir/linux" master \
			>"$dir/am.log" 2>&1 || {
			cat "$dir/am.log" >&2
			return 1
		}
	fi
	# Only the files the series touches are written again, and those whose
	# content did not change get their old times back, so that make
	# rebuilds what depends on a change and nothing else (a core header
	# written again would rebuild half the kernel).
	rm -f "$dir/.applied"
	git -C "$dir/linux" am --abort >/dev/null 2>&1 || true
	touched=$(sed -n 's|^diff --git a/\([^ ]*\) .*|\1|p' "$series"/*.patch | sort -u)
	(cd "$dir/linux" && for f in $touched; do
		[ ! -e "$f" ] || echo "$(sha1sum <"$f" | cut -c1-40) $(stat -c %Y "$f") $f"
	done) >"$dir/times"
	if (cd "$dir/linux" && git checkout -q -f --detach master &&
		git -c user.name=test -c user.email=test@invalid \
			am -q --empty=drop "$series"/*.patch &&
		while read -r sum time f; do
			[ ! -e "$f" ] || [ "$(sha1sum <"$f" | cut -c1-40)" != "$sum" ] ||
				touch -m -d "@$time" "$f"
		done <"$dir/times") >"$dir/am.log" 2>&1 &&
		{ [ "$which" = lts ] ||
			"$RTOFF_OOT/kernel/build-kernel" "$dir/linux" "$dir/obj" prepare \
				>"$dir/prepare.log" 2>&1; }; then
		echo "$applied" >"$dir/.applied"
		return 0
	fi
	cat "$dir/am.log" "$dir/prepare.log" >&2 2>/dev/null
	return 1
}
