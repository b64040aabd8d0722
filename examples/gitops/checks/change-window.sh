#!/bin/sh
# Pre-action check of production promotions, run in a checkout of the
# environment's folder: a file FREEZE there is a change freeze.
set -eu
if [ -e FREEZE ]; then
	echo "change-window: a change freeze is in place: $(cat FREEZE)"
	exit 1
fi
echo "change-window: open"
