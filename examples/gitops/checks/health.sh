#!/bin/sh
# Health of a deploy (exec backend), run in a checkout of ENV's folder:
# exit 0 healthy, 75 progressing, anything else degraded. In the example the
# commit is the deploy: healthy as soon as the product's folder is there.
env=${1:?usage: health.sh ENV}
if [ ! -d "apps/${PROMOTE_PRODUCT:-shop}" ]; then
	echo "health: $env has no apps/${PROMOTE_PRODUCT:-shop}"
	exit 1
fi
echo "health: $env Healthy"
