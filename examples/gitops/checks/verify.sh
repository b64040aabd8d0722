#!/bin/sh
# Post-action check, run on the promoted commit: ENV's values.yaml of the
# product holds the promoted version.
set -eu
env=${1:?usage: verify.sh ENV}
file="envs/$env/apps/${PROMOTE_PRODUCT:-shop}/values.yaml"
if ! grep -q "tag: \"${PROMOTE_VERSION:-}\"" "$file"; then
	echo "verify: $file does not hold ${PROMOTE_VERSION:-?}"
	exit 1
fi
echo "verify: $env holds ${PROMOTE_VERSION:-?}"
