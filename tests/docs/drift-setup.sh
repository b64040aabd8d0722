# What doc/DRIFT.md's examples run on (tests/docs/check-console.py --setup): in the current folder,
# gitops.git — the bundled example (examples/gitops) in one commit — and apps.git, a repository whose
# products are discovered (apps/*) and hold versions of every kind drift compares.
set -e
cp -r "$PROMOTE_SOURCE_ROOT/examples/gitops" gitops
git -C gitops init -q -b main
git -C gitops add -A
git -C gitops commit -qm "the bundled example"
git clone -q --bare gitops gitops.git

mkdir apps
cat > apps/promote.yaml <<'YAML'
version: 1
environments:
  dev: {path: envs/dev, strategy: auto}
  staging: {path: envs/staging, strategy: auto}
  prod: {path: envs/prod, kind: production, strategy: manual}
products:
  "*":
    path: apps/*
    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}
flows:
  default: {trigger: dev, steps: {staging: {}, prod: {dependsOn: [staging]}}}
YAML
app() { # app NAME ENV TAG
	mkdir -p "apps/envs/$2/apps/$1"
	printf 'image:\n  repository: registry.example.com/%s\n  tag: "%s"\n' "$1" "$3" > "apps/envs/$2/apps/$1/values.yaml"
}
app web dev 1.10.0; app web staging 1.9.0; app web prod 1.9.0
app api dev 3.0.0-rc.2; app api staging 3.0.0-rc.10; app api prod 2.4.1
app nightly dev 2024-06-03; app nightly staging 2024-06-01; app nightly prod 2024-06-01
app hotfix dev 2.0.0; app hotfix staging v2.0.0+build.7; app hotfix prod 2.0.1
app search dev 0.3.0
app legacy prod 0.9.0
app broken dev 1.0.0; app broken staging 1.0.0
mkdir -p apps/envs/prod/apps/broken
printf 'image: [1.0.0\n' > apps/envs/prod/apps/broken/values.yaml
git -C apps init -q -b main
git -C apps add -A
git -C apps commit -qm "apps in three environments"
git clone -q --bare apps apps.git
