/* HMAC-SHA256 with libcrypto (hmac.h). */
#include "hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

bool promote__hmac_sha256(unsigned char out[PROMOTE__HMAC_SHA256_SIZE], const char *key, const void *data,
	size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!HMAC(EVP_sha256(), key, (int)strlen(key), data, size, md, &n) || n != PROMOTE__HMAC_SHA256_SIZE)
		return false;
	memcpy(out, md, PROMOTE__HMAC_SHA256_SIZE);
	return true;
}

bool promote__hmac_sha256_hex(char out[PROMOTE__HMAC_SHA256_HEX_SIZE], const char *key, const void *data,
	size_t size)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[PROMOTE__HMAC_SHA256_SIZE];
	if (!promote__hmac_sha256(md, key, data, size))
		return false;
	for (size_t i = 0; i < sizeof md; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * sizeof md] = '\0';
	return true;
}
