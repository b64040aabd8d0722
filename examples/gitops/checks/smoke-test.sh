#!/bin/sh
# Smoke test of a promotion into ENV (argv: ENV), run by the exec deploy
# backend in a checkout of ENV's folder: the product's values.yaml there
# holds an image tag.
set -eu
env=${1:?usage: smoke-test.sh ENV}
product=${PROMOTE_PRODUCT:-shop}
echo "smoke-test: $product ${PROMOTE_VERSION:-?} in $env"
grep -q 'tag:' "apps/$product/values.yaml"
