# What doc/INIT.md's examples run on (tests/docs/check-console.py --setup): in the current folder,
# jx-requirements.yml (jx3-kubernetes's) and guestbook/, a clone holding kargo-simple's env/ and base/
# in one commit.
set -e
data="$PROMOTE_SOURCE_ROOT/tests/data"
cp "$data/jx3-kubernetes/jx-requirements.yml" jx-requirements.yml
mkdir guestbook
cp -r "$data/kargo-simple/env" "$data/kargo-simple/base" guestbook/
git -C guestbook init -q -b main
git -C guestbook add -A
git -C guestbook commit -qm "kargo-simple's env/ and base/"
