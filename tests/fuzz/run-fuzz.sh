#!/usr/bin/env bash
# Fuzz the YAML editor with libFuzzer for SECONDS seconds.
#
#   bash tests/fuzz/run-fuzz.sh SECONDS
#   FUZZ_TARGET=web bash tests/fuzz/run-fuzz.sh SECONDS
#
# FUZZ_TARGET=web fuzzes the web view's pure functions instead (fuzz_web.c:
# unescaping, HTML escaping, the webhook payloads), seeded from
# tests/fuzz/web-seeds, its crashes kept in tests/fuzz/web-regressions.
#
# Configures a clang build with -Dfuzzing=true and ASan+UBSan (FUZZ_BUILD_DIR,
# default build-fuzz), builds tests/yaml/fuzz_yaml, generates the seeds from
# the yaml-test-suite, and runs the fuzzer over its working corpus
# (BUILD/fuzz/corpus, kept between runs), the seeds and tests/fuzz/regressions.
# Exits non-zero on any crash, leak, timeout or broken contract, after copying
# the input into tests/fuzz/regressions/ (replayed from then on by the
# 'fuzz-regressions' test; commit it with the fix). FUZZ_ARGS adds libFuzzer
# options, e.g. FUZZ_ARGS="-fork=2 -ignore_crashes=1" to collect every crash.
set -euo pipefail

seconds=${1:-}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
	echo "usage: $0 SECONDS" >&2
	exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$here"
build=${FUZZ_BUILD_DIR:-build-fuzz}
suite="$here/tests/data/yaml-test-suite-data-2022-01-17"
case ${FUZZ_TARGET:-yaml} in
yaml) target=tests/yaml/fuzz_yaml what="the YAML editor" regressions=tests/fuzz/regressions ;;
web) target=tests/web/fuzz_web what="the web view's functions" regressions=tests/fuzz/web-regressions ;;
*) echo "run-fuzz: FUZZ_TARGET is yaml (the default) or web" >&2; exit 2 ;;
esac

command -v clang >/dev/null || { echo "run-fuzz: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
if [ ! -d "$suite" ]; then
	echo "run-fuzz: the yaml-test-suite is missing at $suite (it seeds the corpus)" >&2
	exit 1
fi

# shellcheck disable=SC2054 # commas inside meson option values
options=(-Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized)
if [ -f "$build/build.ninja" ]; then
	meson configure "$build" "${options[@]}" >/dev/null
else
	CC=clang meson setup "$build" "${options[@]}" >/dev/null
fi
ninja -C "$build" "$target" >/dev/null || ninja -C "$build" "$target"

work="$build/fuzz"
mkdir -p "$work/corpus" "$work/artifacts" "$regressions"
if [ "$target" = tests/web/fuzz_web ]; then
	work="$build/fuzz-web"
	mkdir -p "$work/corpus" "$work/artifacts" "$regressions"
	rm -rf "$work/seeds" && cp -r tests/fuzz/web-seeds "$work/seeds"
else
	/usr/bin/python3 tests/fuzz/make-seeds.py --suite "$suite" --out "$work/seeds" >/dev/null
fi
rm -f "$work/artifacts"/*

echo "run-fuzz: fuzzing $what for ${seconds}s ($build/$target)"
status=0
read -r -a extra <<<"${FUZZ_ARGS:-}"
# The fuzzer writes what it learns into its first corpus directory only.
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	"$build/$target" \
	-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	-artifact_prefix="$work/artifacts/" -print_final_stats=1 "${extra[@]}" \
	"$work/corpus" "$work/seeds" "$regressions" >"$work/log" 2>&1 || status=$?

found=0
for f in "$work/artifacts"/*; do
	[ -f "$f" ] || continue
	found=$((found + 1))
	known=
	for r in "$regressions"/*; do
		if [ -f "$r" ] && cmp -s "$f" "$r"; then known=$r; break; fi
	done
	if [ -n "$known" ]; then
		echo "run-fuzz: FAILED on $known (a known regression input, not fixed yet)" >&2
		continue
	fi
	name=$(basename "$f")
	cp "$f" "$regressions/$name"
	echo "run-fuzz: FOUND $name: saved as $regressions/$name" >&2
	echo "run-fuzz:   reproduce: $build/$target $regressions/$name" >&2
done

if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
	# The first report: the target's or the sanitizer's message and its stack.
	first=$(grep -n -m1 -E '(^==[0-9]+== ?ERROR|^fuzz_(yaml|web): |runtime error:)' "$work/log" \
		| cut -d: -f1 || true)
	if [ -n "$first" ]; then
		sed -n "$((first > 3 ? first - 3 : 1)),$((first + 30))p" "$work/log" >&2
	else
		tail -40 "$work/log" >&2
	fi
	echo "run-fuzz: FAILED (libFuzzer exit status $status, $found failing input(s); full log in $work/log)" >&2
	exit 1
fi
stats=$(grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$work/log" |
	sed -E 's/^stat:://; s/: +/=/' | tr '\n' ' ')
echo "run-fuzz: no crash in ${seconds}s (${stats% }); $(find "$work/corpus" -type f | wc -l) inputs in the working corpus"
