#!/bin/sh
# Post-action notice: says what was released where (a real setup would post
# to a chat or a ticket here).
echo "released ${PROMOTE_PRODUCT:-?} ${PROMOTE_VERSION:-?} to ${1:-?} (release ${PROMOTE_RELEASE:-?})"
