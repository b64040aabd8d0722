#!/bin/sh
# notify ENV: says that the release reached ENV (a real one would post to a chat).
set -eu
. "$(dirname "$0")/lib.sh"

echo "notify: $product $version is live in $env (release ${PROMOTE_RELEASE:-?}, commit $(printf %.12s "${PROMOTE_COMMIT:-}"))"
