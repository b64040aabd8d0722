#!/bin/sh
# Regenerate the ABI baseline deliberately: tests/abi/libpromote.abi (abidw)
# and tests/abi/libpromote.enums (public enum values).
#
#   tests/abi/update-baseline.sh [--force] [BUILDDIR]      (default: build-abi)
#
# When (doc/ABI.md): at a release, to record what the release added (new
# functions, members appended to versioned structs, new enum constants) so
# that later changes are checked against it. Never to make a break pass: the
# script first runs the ABI check against the current baseline and refuses if
# it fails. --force skips that (only for a baseline that is wrong itself,
# e.g. after a toolchain change that alters debug info; say why in the commit).
#
# BUILDDIR must be a non-sanitizer build with debug info (the default
# buildtype, debugoptimized, has it). Review `git diff tests/abi` and commit
# the result together with the change it records.
set -eu

force=no
if [ "${1:-}" = "--force" ]; then
	force=yes
	shift
fi
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${1:-build-abi}
case $builddir in
/*) ;;
*) builddir=$srcdir/$builddir ;;
esac
cd "$srcdir"

abi=tests/abi/libpromote.abi
enums=tests/abi/libpromote.enums
suppr=tests/abi/libpromote.abignore

for tool in abidw abidiff readelf ninja python3; do
	command -v "$tool" >/dev/null || { echo "update-baseline: $tool not found" >&2; exit 1; }
done
[ -f "$builddir/build.ninja" ] || { echo "update-baseline: $builddir is not a meson build dir (meson setup $builddir)" >&2; exit 1; }

ninja -C "$builddir" >/dev/null
lib=$builddir/lib/libpromote.so.0
[ -e "$lib" ] || { echo "update-baseline: $lib not found" >&2; exit 1; }

if readelf -d "$lib" | grep -Eq 'lib(a|ub|t|m)san'; then
	echo "update-baseline: $lib is a sanitizer build; use a plain one" >&2
	exit 1
fi
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
	echo "update-baseline: $lib has no debug info (buildtype debugoptimized or debug)" >&2
	exit 1
fi

CC=${CC:-cc}
export CC

if [ -f "$abi" ] && [ "$force" = no ]; then
	echo "== checking $lib against the current baseline first"
	if ! python3 tests/abi/check-abi.py --baseline "$abi" --suppressions "$suppr" \
			--library "$lib" --include include; then
		echo "update-baseline: the library breaks the current baseline; refusing." >&2
		echo "Fix the break (doc/ABI.md). --force only for a baseline that is itself wrong." >&2
		exit 1
	fi
	if [ -f "$enums" ] && ! python3 tests/abi/check-enums.py --source-include include \
			--build-include "$builddir/include" --baseline "$enums"; then
		echo "update-baseline: public enum values changed; refusing." >&2
		exit 1
	fi
	echo "== what the new baseline adds"
	abidiff --suppressions "$suppr" "$abi" "$lib" || true
fi

echo "== writing $abi"
abidw --no-corpus-path --no-comp-dir-path \
	--headers-dir include/promote --headers-dir include/promote/sys \
	--out-file "$abi" "$lib"
python3 tests/abi/check-enums.py --source-include include --build-include "$builddir/include" \
	--baseline "$enums" --update

echo "== checking the new baseline (and that $suppr names the new last members)"
python3 tests/abi/check-abi.py --baseline "$abi" --suppressions "$suppr" --library "$lib" --include include
git status --short -- tests/abi 2>/dev/null || true
echo "Review the diff and commit it with the change it records."
