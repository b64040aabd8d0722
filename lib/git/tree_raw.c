/* A tree's entries as git stores them (tree_raw.h). */
#include "tree_raw.h"

#include "core/strutil.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

/* The octal digits of a mode as a number; 0 where one is not octal (or there are too many). */
static git_filemode_t octal(const char *text, size_t len)
{
	unsigned mode = 0;
	if (len == 0 || len > 7)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '7')
			return 0;
		mode = mode * 8 + (unsigned)(text[i] - '0');
	}
	return (git_filemode_t)mode;
}

bool promote__git_tree_raw_next(promote__git_tree_entry_raw *e, const unsigned char *tree, size_t size, size_t *at)
{
	const unsigned char *space, *nul;
	if (*at >= size || !(space = memchr(tree + *at, ' ', size - *at)) ||
		!(nul = memchr(space, '\0', size - (size_t)(space - tree))) ||
		(size_t)(nul - tree) + 1 + GIT_OID_RAWSZ > size)
		return false;
	e->mode = octal((const char *)tree + *at, (size_t)(space - (tree + *at)));
	e->name = (const char *)space + 1;
	e->len = (size_t)((const char *)nul - e->name);
	e->id = nul + 1;
	*at = (size_t)(nul - tree) + 1 + GIT_OID_RAWSZ;
	return true;
}

bool promote__git_tree_raw_find(promote__git_tree_entry_raw *e, const unsigned char *tree, size_t size, size_t *from,
	const char *name, size_t len)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t at = pass ? 0 : *from, end = pass ? *from : size;
		while (at < end) {
			if (!promote__git_tree_raw_next(e, tree, size, &at))
				return false; /* not a tree git wrote */
			if (e->len == len && memcmp(e->name, name, len) == 0) {
				*from = at;
				return true;
			}
		}
	}
	return false;
}

size_t promote__git_tree_raw_same(const unsigned char *a, size_t a_size, const unsigned char *b, size_t b_size)
{
	size_t common = promote__common_prefix(a, b, a_size < b_size ? a_size : b_size);
	/* the end of each entry: its name's NUL (a mode and a name hold none) and the 20 bytes of its id */
	size_t whole = 0;
	for (const unsigned char *nul; whole < common && (nul = memchr(a + whole, '\0', common - whole));) {
		size_t end = (size_t)(nul - a) + 1 + GIT_OID_RAWSZ;
		if (end > common)
			break;
		whole = end;
	}
	return whole;
}

int promote__git_tree_raw_order(const promote__git_tree_entry_raw *a, const promote__git_tree_entry_raw *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	unsigned ca = n < a->len ? (unsigned char)a->name[n] : a->mode == GIT_FILEMODE_TREE ? '/' : 0;
	unsigned cb = n < b->len ? (unsigned char)b->name[n] : b->mode == GIT_FILEMODE_TREE ? '/' : 0;
	return ca < cb ? -1 : ca > cb;
}

int promote__git_large_tree_id(git_oid *out, const unsigned char *tree, size_t size)
{
	char header[32];
	int n = snprintf(header, sizeof header, "tree %zu", size);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	bool ok = ctx && n > 0 && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
		EVP_DigestUpdate(ctx, header, (size_t)n + 1) && EVP_DigestUpdate(ctx, tree, size) &&
		EVP_DigestFinal_ex(ctx, out->id, &len) && len == GIT_OID_RAWSZ;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		git_error_set_str(GIT_ERROR_INTERNAL, "cannot compute a tree's SHA-1");
	return ok ? 0 : GIT_ERROR;
}
