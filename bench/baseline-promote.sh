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
# run is a new change). When TAG is set, each APP's tag in TO_ENV becomes TAG
# instead (FROM_ENV is not read): what a pipeline does when a new image is built.
# Needs git and python3-ruamel.yaml.
set -euo pipefail

if [ $# -lt 4 ]; then
	sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
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

TAG=${TAG:-} /usr/bin/python3 - "$from" "$to" "$@" <<'PY'
import os
import sys
from ruamel.yaml import YAML

yaml = YAML()
yaml.preserve_quotes = True
source_env, target_env, apps = sys.argv[1], sys.argv[2], sys.argv[3:]
for app in apps:
    tag = os.environ["TAG"]
    if not tag:
        with open("envs/%s/apps/%s/values.yaml" % (source_env, app)) as f:
            tag = yaml.load(f)["image"]["tag"]
    target_path = "envs/%s/apps/%s/values.yaml" % (target_env, app)
    with open(target_path) as f:
        target = yaml.load(f)
    target["image"]["tag"] = tag
    with open(target_path, "w") as f:
        yaml.dump(target, f)
PY

git -c user.name=baseline -c user.email=baseline@example.com commit -qam "promote $* from $from to $to"
branch=main
if [ -n "${PUSH_BRANCH:-}" ]; then
	branch=$PUSH_BRANCH-$$-$RANDOM
fi
git push -q origin "HEAD:refs/heads/$branch"
