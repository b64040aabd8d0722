/*
 * Internal: HMAC-SHA256 (OpenSSL's libcrypto) — the signature of a
 * notification's body (lib/engine/notify_send.c) and of a forge's webhook
 * (cli/web_hooks.c), in the form both sides of those write: lower-case hex.
 */
#ifndef PROMOTE_CORE_HMAC_H
#define PROMOTE_CORE_HMAC_H

#include "common.h"

#define PROMOTE__HMAC_SHA256_SIZE 32
#define PROMOTE__HMAC_SHA256_HEX_SIZE (2 * PROMOTE__HMAC_SHA256_SIZE + 1)

/* HMAC-SHA256 of the `size` bytes at `data`, keyed by the string `key`, into `out`; false when libcrypto fails. */
bool promote__hmac_sha256(unsigned char out[PROMOTE__HMAC_SHA256_SIZE], const char *key, const void *data,
	size_t size);

/* The same as 64 lower-case hex digits and a NUL. */
bool promote__hmac_sha256_hex(char out[PROMOTE__HMAC_SHA256_HEX_SIZE], const char *key, const void *data,
	size_t size);

#endif
