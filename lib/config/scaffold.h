/*
 * Internal: a starting configuration, as `promote init` writes it (scaffold.h
 * of the public API) — made from a jx-requirements.yml (scaffold_jx.c) or
 * guessed from a repository's folders (scaffold_repo.c) — and its text, with
 * a comment on each section (scaffold_write.c).
 */
#ifndef PROMOTE_CONFIG_SCAFFOLD_H
#define PROMOTE_CONFIG_SCAFFOLD_H

#include "core/arena.h"
#include "core/array.h"

#include <promote.h>
#include <stdbool.h>

typedef struct promote__scaffold_repo {
	const char *name;
	const char *url;
	const char *note;        /* a comment after it, or NULL */
} promote__scaffold_repo;

typedef struct promote__scaffold_env {
	const char *name;
	const char *path;
	bool production;         /* kind: production */
	const char *strategy;    /* "auto", "manual" or "never" */
	const char *cluster;     /* clusters: [{name, namespace}]; NULL: none */
	const char *ns;
	const char *repository;  /* a name under repositories:; NULL: the repository holding promote.yaml */
	const char *note;        /* a comment above it, or NULL */
	/* The flow: a step (not the trigger), and the environments it depends on (indexes; none: the trigger). */
	bool step;
	size_t deps[8];
	size_t dep_count;
} promote__scaffold_env;

typedef struct promote__scaffold_product {
	const char *name;
	const char *path;
	const char *file;        /* the file holding the version, relative to the product's folder ({env} allowed) */
	const char *attribute;   /* the YAML path of the version in it */
	const char *note;        /* a comment above it, or NULL */
} promote__scaffold_product;

typedef struct promote__scaffold {
	promote__arena *arena;   /* every string above */
	const char *origin;      /* the header's words: what it was made from */
	PROMOTE__ARRAY(promote__scaffold_repo) repos;
	PROMOTE__ARRAY(promote__scaffold_env) envs;
	PROMOTE__ARRAY(promote__scaffold_product) products;
	size_t trigger;          /* index of the flow's trigger in envs */
	const char *flow_note;   /* how the flow was ordered */
	const char *products_note; /* why there are no products, when there are none */
} promote__scaffold;

/* An empty scaffold: 0 or PROMOTE_ENOMEM. */
int promote__scaffold_init(promote__scaffold *s);
void promote__scaffold_dispose(promote__scaffold *s);

/* The configuration's text into a new buffer in *out, checked by loading it as promote_context_open_buffer()
 * does (an internal error, PROMOTE_ERROR, if it would not load: nothing is returned then). */
int promote__scaffold_write(promote_buf *out, const promote__scaffold *s);

#endif
