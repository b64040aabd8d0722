/*
 * libpromote — git repositories named in the configuration.
 *
 * Without a `repositories:` section the context has one implicit repository
 * named "default": the one that holds promote.yaml, provider "local".
 */
#ifndef PROMOTE_REPOSITORY_H
#define PROMOTE_REPOSITORY_H

#include "common.h"

PROMOTE_BEGIN_DECL

PROMOTE_EXTERN(size_t) promote_repository_count(const promote_context *ctx);
/* NULL when index >= count. */
PROMOTE_EXTERN(const promote_repository *) promote_repository_at(const promote_context *ctx, size_t index);
/* PROMOTE_ENOTFOUND (with a suggestion) when there is no such repository. */
PROMOTE_EXTERN(int) promote_repository_lookup(
	const promote_repository **out, const promote_context *ctx, const char *name);

PROMOTE_EXTERN(const char *) promote_repository_name(const promote_repository *repo);
/* NULL: the repository that holds the configuration. */
PROMOTE_EXTERN(const char *) promote_repository_url(const promote_repository *repo);
/* The git provider's registered name; "local" unless configured. */
PROMOTE_EXTERN(const char *) promote_repository_provider(const promote_repository *repo);
/* NULL: the repository's default branch. */
PROMOTE_EXTERN(const char *) promote_repository_branch(const promote_repository *repo);

PROMOTE_END_DECL

#endif
