#!/bin/sh
# The installed libpromote as a consumer sees it: install the build into a
# scratch DESTDIR, build examples/embed.c with nothing but
# `pkg-config --cflags --libs libpromote`, run it against the installed
# library on the bundled example, and check the .pc file's Requires.private
# against the libraries libpromote really links (DT_NEEDED).
#
#   check-pkgconfig.sh BUILDDIR SRCDIR VERSION "REQUIRES.PRIVATE..."
#
# Environment: MESON, CC, PKG_CONFIG (tools; meson passes its own), SAN_FLAGS
# (sanitizer flags the consumer needs when the library is instrumented).
set -eu

[ $# -eq 4 ] || { echo "usage: $0 BUILDDIR SRCDIR VERSION REQUIRES" >&2; exit 2; }
builddir=$1
srcdir=$2
version=$3
expected_requires=$4
meson=${MESON:-meson}
cc=${CC:-cc}
pkgconfig=${PKG_CONFIG:-pkg-config}
san_flags=${SAN_FLAGS:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/promote-pkgconfig.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
root=$tmp/root

failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
die() { echo "FAIL $*"; exit 1; }

# 1. Install.
if ! $meson install -C "$builddir" --destdir "$root" --no-rebuild --quiet >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"
	die "meson install -C $builddir --destdir $root"
fi
pc=$(find "$root" -path '*/pkgconfig/libpromote.pc' | head -n 1)
[ -n "$pc" ] || die "libpromote.pc was not installed under $root"
ok "installed; ${pc#"$root"}"

PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_SYSROOT_DIR

# 2. The .pc file itself.
modversion=$($pkgconfig --modversion libpromote) || die "pkg-config cannot read libpromote.pc"
if [ "$modversion" = "$version" ]; then
	ok "--modversion $modversion"
else
	fail "--modversion is '$modversion', expected '$version'"
fi
# pkgconf prefixes variables with the sysroot too; keep the install-time paths.
libdir=$($pkgconfig --variable=libdir libpromote)
libdir=${libdir#"$root"}
includedir=$($pkgconfig --variable=includedir libpromote)
includedir=${includedir#"$root"}
flags=$($pkgconfig --cflags --libs libpromote) || die "pkg-config --cflags --libs libpromote"
case " $flags " in
*" -I$root$includedir "*) ok "--cflags has -I$root$includedir" ;;
*) fail "--cflags --libs '$flags' lacks -I$root$includedir (sysroot-prefixed includedir)" ;;
esac
case " $flags " in
*" -L$root$libdir "*"-lpromote "*) ok "--libs has -L$root$libdir -lpromote" ;;
*) fail "--cflags --libs '$flags' lacks -L$root$libdir -lpromote" ;;
esac
for header in promote.h promote/version.h promote/errors.h promote/sys/git_provider.h promote/sys/deploy_backend.h; do
	[ -f "$root$includedir/$header" ] || fail "header $header not installed in $includedir"
done
lib=$root$libdir/libpromote.so.0
[ -e "$lib" ] || die "libpromote.so.0 not installed in $libdir"
[ -L "$root$libdir/libpromote.so" ] || fail "libpromote.so (the link-time name) not installed in $libdir"

# 3. Requires.private: exactly the expected list ...
requires=$($pkgconfig --print-requires-private libpromote | awk '{print $1}' | sort | tr '\n' ' ')
# shellcheck disable=SC2086 # split the list
want=$(printf '%s\n' $expected_requires | sort | tr '\n' ' ')
if [ "$requires" = "$want" ]; then
	ok "Requires.private: $requires"
else
	fail "Requires.private is '$requires', expected '$want'"
fi

# ... and exactly what the library links (DT_NEEDED), both ways.
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
provided=""
for pkg in $requires; do
	$pkgconfig --exists "$pkg" || { fail "Requires.private package $pkg is not installed on this system"; continue; }
	used=no
	for l in $($pkgconfig --libs-only-l "$pkg"); do
		name=${l#-l}
		provided="$provided $name"
		for so in $needed; do
			case $so in lib$name.so*|lib$name-*.so*) used=yes ;; esac
		done
	done
	[ $used = yes ] || fail "Requires.private lists $pkg but libpromote does not link it (DT_NEEDED: $needed)"
done
for so in $needed; do
	case $so in
	libc.so*|ld-linux*|libm.so*|libpthread.so*|libdl.so*|librt.so*|libgcc_s.so*|libstdc++.so*) continue ;;
	lib[almt]san.so*|libubsan.so*) continue ;;
	esac
	covered=no
	for name in $provided; do
		case $so in lib$name.so*|lib$name-*.so*) covered=yes ;; esac
	done
	[ $covered = yes ] || fail "libpromote links $so but no Requires.private package provides it; add its .pc name in pkgconfig/meson.build"
done
ok "Requires.private matches DT_NEEDED: $needed"

# 4. A real consumer: examples/embed.c with only pkg-config's flags.
# shellcheck disable=SC2086
if ! $cc -o "$tmp/embed" "$srcdir/examples/embed.c" $flags $san_flags >"$tmp/cc.log" 2>&1; then
	cat "$tmp/cc.log"
	die "$cc -o embed examples/embed.c \$(pkg-config --cflags --libs libpromote)"
fi
[ -s "$tmp/cc.log" ] && cat "$tmp/cc.log"
ok "built examples/embed.c with: $cc \$(pkg-config --cflags --libs libpromote)"

# Only the installed library: replace, do not extend, the build dir meson puts in LD_LIBRARY_PATH.
LD_LIBRARY_PATH=$root$libdir
export LD_LIBRARY_PATH
resolved=$(LD_TRACE_LOADED_OBJECTS=1 "$tmp/embed" | awk '$1 == "libpromote.so.0" {print $3}')
case $resolved in
"$root$libdir"/*) ok "embed loads ${resolved#"$root"} from the install" ;;
*) fail "embed resolves libpromote.so.0 to '$resolved', not the installed copy" ;;
esac

if "$tmp/embed" "$srcdir/examples/gitops/promote.yaml" >"$tmp/out" 2>"$tmp/err"; then
	ok "embed examples/gitops/promote.yaml exits 0"
else
	fail "embed examples/gitops/promote.yaml exited $?"
fi
sed 's/^/     | /' "$tmp/out" "$tmp/err"
for env in dev qa staging prod; do
	grep -Eq "^  ${env}[[:space:]]" "$tmp/out" || fail "embed output does not list environment $env"
done
grep -q "^libpromote $version " "$tmp/out" || fail "embed output lacks 'libpromote $version'"
grep -Eq '^  wave 0: qa staging$' "$tmp/out" || fail "embed output lacks the default flow's first wave"

# The failure path: non-zero exit and the library's message on stderr.
if "$tmp/embed" "$tmp/missing.yaml" >"$tmp/out" 2>"$tmp/err"; then
	fail "embed with a missing file exited 0"
elif grep -q "missing.yaml" "$tmp/err"; then
	ok "embed with a missing file exits non-zero and prints: $(tail -n 1 "$tmp/err" | sed 's/^ *//')"
else
	fail "embed with a missing file printed no error message: $(cat "$tmp/err")"
fi

if [ $failures -ne 0 ]; then
	echo "$failures pkg-config check(s) failed"
	exit 1
fi
echo "all pkg-config checks passed"
