#!/usr/bin/env bash
# Benchmark: set image.tag in N copies of a Helm values.yaml with
#   promote yaml set   (one process, surgical edit)
#   sed -i             (one process, the byte-level floor)
#   npm yaml           (parseDocument/setIn/toString, one node process)
#   ruamel.yaml        (round-trip mode, preserve_quotes, one python process)
# and report wall time, max RSS and fidelity (lines changed per file).
# See bench/README.md.
#
#   bash bench/yaml-set.sh [--runs N] [--files N] [--promote PATH]
#                          [--source FILE] [--markdown] [--keep]
#
# Installs what it needs when missing (Debian: python3-ruamel.yaml,
# python3-yaml, time, diffutils, and the build packages if promote must be
# built; npm: the `yaml` package into bench/.node), builds promote in release
# mode into build-bench/ when --promote is not given, then runs the driver
# bench/yaml_set_bench.py with /usr/bin/python3.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

runs=5
files=1000
promote=
source_file=
extra=()

usage() {
	sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=${2:?--runs needs a number}; shift 2 ;;
	--runs=*) runs=${1#*=}; shift ;;
	--files) files=${2:?--files needs a number}; shift 2 ;;
	--files=*) files=${1#*=}; shift ;;
	--promote) promote=${2:?--promote needs a path}; shift 2 ;;
	--promote=*) promote=${1#*=}; shift ;;
	--source) source_file=${2:?--source needs a file}; shift 2 ;;
	--source=*) source_file=${1#*=}; shift ;;
	--markdown | --keep) extra+=("$1"); shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "yaml-set.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done

# The file to copy: the project's own copy of argocd-example-apps' values (tests/data).
if [ -z "$source_file" ]; then
	source_file=$root/tests/data/argocd-example-apps/helm-guestbook/values.yaml
	[ -f "$source_file" ] || {
		echo "yaml-set.sh: $source_file is missing (it belongs to the repository); pass --source FILE" >&2
		exit 2
	}
fi

apt_install() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "yaml-set.sh: installing ${missing[*]}" >&2
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || { echo "yaml-set.sh: run as root, or install: ${missing[*]}" >&2; exit 1; }
		sudo=(sudo)
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

apt_install python3 python3-ruamel.yaml python3-yaml time diffutils sed

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	apt_install nodejs npm
fi
echo "yaml-set.sh: node $(node --version)" >&2

# The npm `yaml` package, cached in bench/.node (gitignored).
node_dir=$here/.node
if [ ! -f "$node_dir/node_modules/yaml/package.json" ]; then
	echo "yaml-set.sh: installing the npm package yaml into bench/.node" >&2
	mkdir -p "$node_dir"
	npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$node_dir" yaml@2 >/dev/null
fi

# promote: build it in release mode unless a binary was given.
if [ -z "$promote" ]; then
	build=$root/build-bench
	promote=$build/cli/promote
	apt_install build-essential meson ninja-build pkg-config \
		libgit2-dev libyaml-dev libcurl4-openssl-dev libjson-c-dev
	if [ -f "$build/build.ninja" ]; then
		meson configure "$build" -Dbuildtype=release >/dev/null
	else
		(cd "$root" && meson setup "$build" -Dbuildtype=release >/dev/null)
	fi
	ninja -C "$build" cli/promote >/dev/null || ninja -C "$build" cli/promote
fi
[ -x "$promote" ] || { echo "yaml-set.sh: $promote is not an executable" >&2; exit 2; }

exec /usr/bin/python3 "$here/yaml_set_bench.py" \
	--runs "$runs" --files "$files" --promote "$promote" --source "$source_file" \
	--node-modules "$node_dir/node_modules" "${extra[@]}"
