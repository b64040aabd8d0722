#!/usr/bin/env bash
# The scripted promotion GitOps tools run today, as the baseline of
# bench/git-promote.py: clone the repository, copy each application's
# image.tag from one environment's values.yaml to another's with a round-trip
# YAML library (ruamel.yaml, quotes preserved), commit, push.
#
#   bash bench/baseline-promote.sh REPO FROM_ENV TO_ENV APP [APP...]
#
# REPO is any URL or path git can clone (a repository made by
# bench/gen-repo.py: envs/ENV/apps/APP/values.yaml); APP '*' means every
# application of FROM_ENV. The commit is pushed to main, or, when
# PUSH_BRANCH is set, to a new branch PUSH_BRANCH-PID-RANDOM (so that every
# run is a new change). Needs git and python3-ruamel.yaml.
set -euo pipefail

if [ $# -lt 4 ]; then
	sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
repo=$1 from=$2 to=$3
shift 3

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git clone -q "$repo" "$scratch/work"
cd "$scratch/work"
if [ "$1" = '*' ]; then
	# shellcheck disable=SC2046 # application names have no spaces
	set -- $(ls "envs/$from/apps")
fi

/usr/bin/python3 - "$from" "$to" "$@" <<'PY'
import sys
from ruamel.yaml import YAML

yaml = YAML()
yaml.preserve_quotes = True
source_env, target_env, apps = sys.argv[1], sys.argv[2], sys.argv[3:]
for app in apps:
    with open("envs/%s/apps/%s/values.yaml" % (source_env, app)) as f:
        source = yaml.load(f)
    target_path = "envs/%s/apps/%s/values.yaml" % (target_env, app)
    with open(target_path) as f:
        target = yaml.load(f)
    target["image"]["tag"] = source["image"]["tag"]
    with open(target_path, "w") as f:
        yaml.dump(target, f)
PY

git -c user.name=baseline -c user.email=baseline@example.com commit -qam "promote $* from $from to $to"
branch=main
if [ -n "${PUSH_BRANCH:-}" ]; then
	branch=$PUSH_BRANCH-$$-$RANDOM
fi
git push -q origin "HEAD:refs/heads/$branch"
