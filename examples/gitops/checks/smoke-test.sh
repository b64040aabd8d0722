#!/bin/sh
# Smoke test of a promotion into ENV (argv: ENV), run by the exec deploy
# backend in the configuration's folder of a checkout of the promoted commit
# (ENV's folder in it): the product's values.yaml there holds an image tag.
set -eu
env=${1:?usage: smoke-test.sh ENV}
product=${PROMOTE_PRODUCT:-shop}
echo "smoke-test: $product ${PROMOTE_VERSION:-?} in $env"
grep -q 'tag:' "envs/$env/apps/$product/values.yaml"
