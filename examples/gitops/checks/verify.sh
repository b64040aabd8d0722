#!/bin/sh
# verify ENV: after a production change landed and deployed, the product's
# version attribute there (values.yaml's image.tag) is the promoted version;
# says which chart appVersion goes with it.
set -eu
. "$(dirname "$0")/lib.sh"

tag=$(held "$app/values.yaml" tag)
if [ "$tag" != "$version" ]; then
	echo "verify $env: $app/values.yaml has image.tag $tag, expected $version"
	exit 1
fi
chart=""
[ ! -f "$app/Chart.yaml" ] || chart=" (chart appVersion $(held "$app/Chart.yaml" appVersion))"
echo "verify $env: $product runs $version$chart"
