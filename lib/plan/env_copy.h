/*
 * Internal: copying files of one environment (A) into another's place (B),
 * environment-specific values rewritten — as data: the files B gets, their
 * new bytes and modes, computed from git trees through the read-only reader;
 * nothing is written. What `promote import` makes a new environment's folder
 * of, and what `promote sync` adds to B for a product B lacks.
 *
 * What is rewritten (surgically, with the YAML editor: every other byte of a
 * file stays as it was):
 *
 *  - paths: a file's path below A's folder becomes the same path below B's,
 *    with A's name renamed (below) in it: envs/dev/values-dev.yaml →
 *    envs/qa/values-qa.yaml;
 *  - namespaces, wherever one is set: a kustomization's top-level
 *    `namespace`, a manifest's `metadata.namespace` (and a Namespace's
 *    `metadata.name`), a helmfile's top-level `namespace` and its
 *    `releases[*].namespace`, an Argo CD Application's
 *    `spec.destination.namespace`, a Flux Kustomization's or HelmRelease's
 *    `spec.targetNamespace` (and a HelmRelease's `spec.storageNamespace`):
 *    the value `from_namespace` becomes `to_namespace`, any other value has
 *    A's name renamed;
 *  - names and paths inside files, A's name renamed: a manifest's
 *    `metadata.name`; a kustomization's `namePrefix`, `nameSuffix`, the
 *    items of `resources`, `bases`, `components`, `crds`, `configurations`,
 *    `generators`, `transformers`, `patchesStrategicMerge`, and
 *    `patches[*].path`, `patchesJson6902[*].path`; a helmfile's
 *    `releases[*].values`/`secrets` items, `helmfiles` items (or their
 *    `path`), `bases` items and `environments.*.values` items; an
 *    Application's `spec.source(s).path` and `helm.valueFiles` items; a
 *    Flux Kustomization's `spec.path`.
 *
 * "A's name renamed": every occurrence of A's name in the text that is a
 * whole token — no ASCII letter or digit right before or after it — is
 * replaced by B's name (jx-staging → jx-production, guestbook-dev →
 * guestbook-qa, ../../envs/dev/x.yaml → ../../envs/qa/x.yaml; "development"
 * stays). Versions, images and every other value are never touched.
 *
 * Which YAML is what: a kustomization is a file named kustomization.yaml,
 * kustomization.yml or Kustomization, or a document of kind Kustomization
 * of apiVersion kustomize.config.k8s.io/...; a helmfile is a file whose
 * name starts with "helmfile" and ends in .yaml or .yml, or any YAML file
 * in a folder helmfile.d; any other document with `apiVersion` and `kind`
 * is a manifest. Every document of a multi-document file (---) is looked
 * at. Files that are not YAML (by their name: .yaml, .yml), YAML files that
 * do not parse (a Helm chart's templates), and symbolic links are copied
 * as they are, with their mode.
 */
#ifndef PROMOTE_PLAN_ENV_COPY_H
#define PROMOTE_PLAN_ENV_COPY_H

#include "changes.h"
#include "git/reader.h"

typedef struct promote__env_copy {
	/* What A's files are read through. */
	const promote__tree_reader *reader;
	/* The commit A's files are read at (its branch's tip). */
	promote__commit_id src;
	/* A's folder from the repository's root ("envs/dev"; "" or "." for the root). */
	const char *src_dir;
	/* NULL: every file is new to B (changes' `existed` false). Else the commit B's files are read at:
	 * a file B has already gets `existed`, its `before` bytes and mode, and is left out when it would
	 * not change. */
	const promote__commit_id *dst;
	/* What B's files are read through: NULL, `reader` (one repository); else B's repository's (A lives
	 * in another: only bytes cross, never an object id of one repository into the other). */
	const promote__tree_reader *dst_reader;
	/* Where the files go: B's folder from the repository's root ("envs/qa"). */
	const char *dst_dir;
	/* The names renamed as tokens (see above): A's and B's. from_name NULL or "": nothing renamed. */
	const char *from_name;
	const char *to_name;
	/* A namespace value equal to from_namespace becomes to_namespace; both NULL: namespaces only have
	 * A's name renamed. promote__env_copy_namespace() finds A's. */
	const char *from_namespace;
	const char *to_namespace;
	/* Globs (git's wildmatch, core/wildmatch.h) of paths relative to src_dir: a file is copied when a
	 * glob matches it or one of its folders ("apps/shop" takes the folder, "*.yaml" the files at the
	 * top). count 0: every file. */
	const char *const *only;
	size_t only_count;
} promote__env_copy;

/*
 * Append to `out` (which the caller owns and frees with
 * promote__changes_dispose(), also on failure) one change per file copied:
 * `path` below dst_dir, `after` its new bytes, `mode` its source's mode
 * (PROMOTE__MODE_*), `existed`/`before`/`before_mode` as `dst` says; sorted
 * by path. Reads only.
 * Errors: PROMOTE_ENOTFOUND when src_dir is no folder at `src`, or a glob
 * of `only` selects no file (the message names it); PROMOTE_EINVALID from
 * the YAML editor when a rewrite cannot be made (an alias in the way), with
 * file:line:column; PROMOTE_ELIMIT for a file over 64 MiB; the reader's.
 */
int promote__env_copy_plan(promote__changes *out, const promote__env_copy *how);

/*
 * A's namespace as its selected files set it (how->src, src_dir, only; the
 * other fields unused), in *out (freed by the caller): the first top-level
 * `namespace` of a kustomization or a helmfile, in path order, else the
 * first namespace of a manifest; *out NULL when none sets one.
 */
int promote__env_copy_namespace(char **out, const promote__env_copy *how);

/* `bytes`, A's YAML file `name` (its path: which YAML it is goes by the name), with A's namespaces, names
 * and paths rewritten as above, in *out (left empty when nothing changes, or the file is not YAML: its
 * bytes stay as they are). Only from_name, to_name, from_namespace and to_namespace of `how` are used. */
int promote__env_copy_rewrite(promote_buf *out, const promote__env_copy *how, const promote_buf *bytes,
	const char *name);

/* `text` with every whole-token occurrence of `from` replaced by `to` (see above); a copy of `text`
 * when `from` is NULL or empty. NULL when out of memory. */
char *promote__env_rename(const char *text, const char *from, const char *to);

#endif
