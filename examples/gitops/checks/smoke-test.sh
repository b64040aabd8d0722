#!/bin/sh
# smoke-test ENV: after a promotion into a pre-production environment, the
# product's values.yaml there holds the promoted version as its image tag.
set -eu
. "$(dirname "$0")/lib.sh"

tag=$(held "$app/values.yaml" tag)
if [ "$tag" != "$version" ]; then
	echo "smoke-test $env: $app/values.yaml has image.tag $tag, expected $version"
	exit 1
fi
echo "smoke-test $env: $product $version is in $app/values.yaml at $(printf %.12s "${PROMOTE_COMMIT:-}")"
