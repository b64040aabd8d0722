#!/bin/sh
# Health of a deploy (exec backend): exit 0 healthy, 75 progressing, anything
# else degraded. In the example the commit is the deploy: healthy as soon as
# the product's folder is in ENV's.
env=${1:?usage: health.sh ENV}
if [ ! -d "envs/$env/apps/${PROMOTE_PRODUCT:-shop}" ]; then
	echo "health: envs/$env has no apps/${PROMOTE_PRODUCT:-shop}"
	exit 1
fi
echo "health: $env Healthy"
