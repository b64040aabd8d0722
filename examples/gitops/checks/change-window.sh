#!/bin/sh
# change-window ENV: before a production change is prepared, the
# environment is not frozen: a file FREEZE in its folder (envs/prod/FREEZE)
# says why it is, and fails this check.
set -eu
. "$(dirname "$0")/lib.sh"

for freeze in "envs/$env/FREEZE" FREEZE; do
	if [ -f "$freeze" ]; then
		echo "change-window $env: frozen: $(head -n 1 "$freeze")"
		exit 1
	fi
done
echo "change-window $env: open for $product $version (no FREEZE file in its folder)"
