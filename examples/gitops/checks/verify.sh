#!/bin/sh
# Post-action check, run in a checkout of ENV's folder at the promoted
# commit: the product's values.yaml holds the promoted version.
set -eu
env=${1:?usage: verify.sh ENV}
file="apps/${PROMOTE_PRODUCT:-shop}/values.yaml"
if ! grep -q "tag: \"${PROMOTE_VERSION:-}\"" "$file"; then
	echo "verify: $env's $file does not hold ${PROMOTE_VERSION:-?}"
	exit 1
fi
echo "verify: $env holds ${PROMOTE_VERSION:-?}"
