#!/bin/sh
# health ENV: the exec deploy backend's health command: exit 0 healthy, 75
# progressing (asked again later), anything else degraded. The example has no
# cluster: the deploy is healthy when the checkout holds the promoted version.
set -eu
. "$(dirname "$0")/lib.sh"

tag=$(held "$app/values.yaml" tag)
if [ "$tag" != "$version" ]; then
	echo "$env: degraded: image.tag is $tag, not $version"
	exit 1
fi
echo "$env: healthy at $product $version"
