#!/usr/bin/env python3
"""Make a synthetic GitOps monorepo for the benchmarks: a bare repository with
one commit on main holding

    envs/{dev,staging,prod}/apps/app-NNNNN/{values.yaml,Chart.yaml,kustomization.yaml}

for N applications (a Helm values file with comments, a chart, a kustomize
overlay), plus EXTRA_FILES unrelated documents under docs/. dev holds newer
image tags than staging, and staging newer than prod, so every application
has something to promote.

    bench/gen-repo.py DIR N_APPS [EXTRA_FILES]

The commit is written with `git fast-import` (no working tree, fixed author
and date: the same arguments give the same commit id), then packed by
`git gc` as a served repository would be.
"""
import argparse
import subprocess
import sys

ENVS = {"dev": 3, "staging": 2, "prod": 1}  # environment -> patch version of its tags
WHEN = "1700000000 +0000"
WHO = "gen <gen@example.com>"

VALUES = """# Default values for {app}.
# This is a YAML-formatted file.
replicaCount: {replicas}

image:
  repository: registry.example.com/team/{app}  # the image
  pullPolicy: IfNotPresent
  # Overrides the image tag whose default is the chart appVersion.
  tag: "{tag}"

imagePullSecrets: []
nameOverride: ""
fullnameOverride: ""

serviceAccount:
  # Specifies whether a service account should be created
  create: true
  annotations: {{}}
  name: ""

podAnnotations: {{}}

service:
  type: ClusterIP
  port: 80

ingress:
  enabled: false
  className: ""
  annotations: {{}}
    # kubernetes.io/ingress.class: nginx
  hosts:
    - host: {app}.{env}.example.com
      paths:
        - path: /
          pathType: ImplementationSpecific
  tls: []

resources:
  limits:
    cpu: 100m
    memory: 128Mi
  requests:
    cpu: 100m
    memory: 128Mi

autoscaling:
  enabled: false
  minReplicas: 1
  maxReplicas: 100
  targetCPUUtilizationPercentage: 80

env:
  - name: LOG_LEVEL
    value: {loglevel}
  - name: FEATURE_FLAGS
    value: "a,b,c"
nodeSelector: {{}}
tolerations: []
affinity: {{}}
"""

CHART = """apiVersion: v2
name: {app}
description: A Helm chart for {app}
type: application
version: 0.1.{patch}
appVersion: "{tag}"
"""

KUSTOMIZATION = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: {env}
resources:
  - ../../base/{app}
images:
  - name: registry.example.com/team/{app}
    newTag: {tag}  # promoted
"""


def files(apps, extra):
    """(path, text) of every file of the commit."""
    for env, patch in ENVS.items():
        for i in range(apps):
            app = "app-%05d" % i
            fields = dict(app=app, env=env, tag="1.%d.%d" % (i % 50, patch), patch=patch,
                          replicas=2 if env == "prod" else 1, loglevel="debug" if env == "dev" else "info")
            folder = "envs/%s/apps/%s/" % (env, app)
            yield folder + "values.yaml", VALUES.format(**fields)
            yield folder + "Chart.yaml", CHART.format(**fields)
            yield folder + "kustomization.yaml", KUSTOMIZATION.format(**fields)
    for j in range(extra):
        yield "docs/d%d/f%d.md" % (j // 1000, j), "doc %d\n" % j * 20


def fast_import_stream(apps, extra, out):
    """Writes one commit on refs/heads/main in git fast-import's format."""
    message = b"initial\n"
    out.write(b"commit refs/heads/main\n")
    out.write(("author %s %s\ncommitter %s %s\n" % (WHO, WHEN, WHO, WHEN)).encode())
    out.write(b"data %d\n%s" % (len(message), message))
    for path, text in files(apps, extra):
        data = text.encode()
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    out.write(b"\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="the bare repository to create (must not exist)")
    ap.add_argument("apps", type=int, help="number of applications")
    ap.add_argument("extra", type=int, nargs="?", default=0, help="unrelated files under docs/")
    args = ap.parse_args()
    if args.apps < 1 or args.extra < 0:
        ap.error("N_APPS must be at least 1 and EXTRA_FILES at least 0")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", args.dir], check=True)
    importer = subprocess.Popen(["git", "--git-dir", args.dir, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    fast_import_stream(args.apps, args.extra, importer.stdin)
    importer.stdin.close()
    if importer.wait() != 0:
        sys.exit("gen-repo: git fast-import failed")
    subprocess.run(["git", "--git-dir", args.dir, "gc", "-q"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
