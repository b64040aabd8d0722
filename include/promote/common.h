/*
 * libpromote — common definitions shared by every public header.
 *
 * Include <promote.h>; never this header directly.
 */
#ifndef PROMOTE_COMMON_H
#define PROMOTE_COMMON_H

#if !defined(PROMOTE_INSIDE) && !defined(PROMOTE_COMPILATION)
#error "Only <promote.h> can be included directly."
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define PROMOTE_BEGIN_DECL extern "C" {
#define PROMOTE_END_DECL }
#else
#define PROMOTE_BEGIN_DECL
#define PROMOTE_END_DECL
#endif

/* Marks every exported function: PROMOTE_EXTERN(int) promote_x(void); */
#if defined(__GNUC__) || defined(__clang__)
#define PROMOTE_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define PROMOTE_EXTERN(type) extern type
#endif

/* A deprecated symbol stays exported and working; only the compiler warns. */
#if defined(__GNUC__) || defined(__clang__)
#define PROMOTE_DEPRECATED_FOR(replacement, since) \
	__attribute__((deprecated("use " #replacement " (deprecated since " #since ")")))
#else
#define PROMOTE_DEPRECATED_FOR(replacement, since)
#endif

PROMOTE_BEGIN_DECL

/* Opaque handles. Environments, repositories, products, policies and flows
 * belong to their context and stay valid until it is freed. */
typedef struct promote_context promote_context;
typedef struct promote_repository promote_repository;
typedef struct promote_env promote_env;
typedef struct promote_product promote_product;
typedef struct promote_policy promote_policy;
typedef struct promote_flow promote_flow;
typedef struct promote_flow_step promote_flow_step;
typedef struct promote_effective_policy promote_effective_policy;

PROMOTE_END_DECL

#endif
