#!/bin/sh
# Pre-action check of production promotions: a file FREEZE beside
# promote.yaml is a change freeze.
set -eu
if [ -e FREEZE ]; then
	echo "change-window: a change freeze is in place: $(cat FREEZE)"
	exit 1
fi
echo "change-window: open"
