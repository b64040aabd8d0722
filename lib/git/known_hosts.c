/*
 * Checking an ssh server's host key against known-hosts files, as ssh does
 * with StrictHostKeyChecking=yes: a host listed with this key is accepted; a
 * host not listed, listed only with other keys, or whose key is revoked is
 * refused. Host patterns: names, '*' and '?' wildcards, '!' negation,
 * "[host]:port" for ports other than 22. Hashed names ("|1|SALT|HASH", as
 * `ssh-keygen -H` and Debian's HashKnownHosts write them): HASH is the
 * HMAC-SHA1 of the name, keyed by SALT, both base64 (OpenSSL's libcrypto).
 */
#include "known_hosts.h"
#include "ssh_config.h"

#include "core/error.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `n` bytes as base64 (with '=' padding when `pad`): a malloc'd string, NULL
 * when out of memory. */
static char *base64(const unsigned char *in, size_t n, bool pad)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
		out[o++] = digits[v >> 18 & 63];
		out[o++] = digits[v >> 12 & 63];
		if (i + 1 < n || pad)
			out[o++] = i + 1 < n ? digits[v >> 6 & 63] : '=';
		if (i + 2 < n || pad)
			out[o++] = i + 2 < n ? digits[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* `in` (base64, n characters) decoded into `out` (at least 3 * n / 4 + 3
 * bytes): its length, or -1 when it is not base64. */
static int unbase64(unsigned char *out, const char *in, size_t n)
{
	if (n == 0 || n % 4 != 0 || n > 256)
		return -1;
	int len = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
	if (len < 0)
		return -1;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	for (size_t pad = 0; pad < 2 && in[n - 1 - pad] == '='; pad++)
		len--;
	return len;
}

/* Is "|1|SALT|HASH" the hash of `name`? */
static bool hashed_match(const char *field, const char *name)
{
	const char *salt = field + 3, *bar = strchr(salt, '|');
	if (strncmp(field, "|1|", 3) != 0 || !bar)
		return false;
	/* unbase64 reads at most 256 characters (192 bytes): ssh writes 20-byte
	 * salts and hashes, and anything longer is no match. */
	unsigned char key[200], want[200], mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	int key_len = unbase64(key, salt, (size_t)(bar - salt)), want_len = unbase64(want, bar + 1, strlen(bar + 1));
	if (key_len <= 0 || want_len != SHA_DIGEST_LENGTH ||
		!HMAC(EVP_sha1(), key, key_len, (const unsigned char *)name, strlen(name), mac, &mac_len))
		return false;
	return mac_len == SHA_DIGEST_LENGTH && CRYPTO_memcmp(mac, want, SHA_DIGEST_LENGTH) == 0;
}

/* Does the comma-separated pattern list match `name`? A matching negated
 * pattern means no. */
static bool hosts_match(char *patterns, const char *name)
{
	bool matched = false;
	for (char *save = NULL, *p = strtok_r(patterns, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		bool negated = *p == '!';
		if (promote__ssh_wildcard(negated ? p + 1 : p, name)) {
			if (negated)
				return false;
			matched = true;
		}
	}
	return matched;
}

typedef struct verdict {
	bool known;       /* listed with this key */
	bool other_key;   /* listed, with another key of the same type */
	bool revoked;
} verdict;

static void check_file(verdict *v, const char *file, const char *name, const char *type, const char *key)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return;
	/* Lines of any length: a part of a long line must never be read as a
	 * line of its own. */
	char *line = NULL;
	size_t size = 0;
	while (getline(&line, &size, f) >= 0) {
		char *save = NULL, *field = strtok_r(line, " \t\r\n", &save);
		bool revoked = false;
		if (!field || *field == '#')
			continue;
		if (*field == '@') {
			revoked = strcmp(field, "@revoked") == 0;
			if (!revoked) /* @cert-authority: certificates are not offered by libssh2 */
				continue;
			field = strtok_r(NULL, " \t\r\n", &save);
		}
		char *line_type = strtok_r(NULL, " \t\r\n", &save), *line_key = strtok_r(NULL, " \t\r\n", &save);
		if (!field || !line_type || !line_key)
			continue;
		if (*field == '|' ? !hashed_match(field, name) : !hosts_match(field, name))
			continue;
		bool same = strcmp(line_key, key) == 0;
		if (revoked && same)
			v->revoked = true;
		else if (!revoked && same)
			v->known = true;
		else if (!revoked && strcmp(line_type, type) == 0)
			v->other_key = true;
	}
	free(line);
	fclose(f);
}

static const char *type_name(int raw_type)
{
	switch (raw_type) {
	case GIT_CERT_SSH_RAW_TYPE_RSA: return "ssh-rsa";
	case GIT_CERT_SSH_RAW_TYPE_DSS: return "ssh-dss";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256: return "ecdsa-sha2-nistp256";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384: return "ecdsa-sha2-nistp384";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521: return "ecdsa-sha2-nistp521";
	case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519: return "ssh-ed25519";
	default: return "unknown";
	}
}

/* The files to read: $PROMOTE_GIT_SSH_KNOWN_HOSTS, else ssh's own two. */
static int known_hosts_files(promote__strbuf *files)
{
	const char *list = getenv("PROMOTE_GIT_SSH_KNOWN_HOSTS");
	if (list && *list)
		return promote__strbuf_adds(files, list);
	const char *home = getenv("HOME");
	return promote__strbuf_addf(files, "%s/.ssh/known_hosts:/etc/ssh/ssh_known_hosts", home ? home : "");
}

/* Every file of the ':'-separated `files` checked. */
static int check_files(verdict *v, const char *files, const char *name, const char *type, const char *key)
{
	promote__strbuf one;
	promote__strbuf_init(&one, PROMOTE__PATH_MAX, "a known-hosts file's name");
	int rc = 0;
	for (const char *f = files; rc == 0 && *f;) {
		size_t len = strcspn(f, ":");
		promote__strbuf_reset(&one);
		if (len && (rc = promote__strbuf_add(&one, f, len)) == 0)
			check_file(v, promote__strbuf_cstr(&one), name, type, key);
		f += len + (f[len] == ':');
	}
	promote__strbuf_free(&one);
	return rc;
}

/* Why the key was refused, and what to do, into `why`. */
static int explain(promote__strbuf *why, const verdict *v, const char *host, int port, const char *name,
	const char *type, const char *fingerprint, const char *files)
{
	if (v->revoked)
		return promote__strbuf_addf(why, "the ssh host key of %s (%s SHA256:%s) is revoked in %s; refusing to "
			"connect", name, type, fingerprint, files);
	if (v->other_key)
		return promote__strbuf_addf(why, "the ssh host key of %s has CHANGED (now %s SHA256:%s, not the one in "
			"%s): someone may be impersonating the server; refusing to connect. If the change is expected, "
			"replace the key in the known hosts", name, type, fingerprint, files);
	char port_option[16] = ""; /* " -p " and a port number: always fits */
	if (port != 22)
		snprintf(port_option, sizeof port_option, " -p %d", port);
	return promote__strbuf_addf(why, "the ssh host key of %s (%s SHA256:%s) is not in the known hosts (%s): check "
		"the fingerprint, then add it (ssh-keyscan%s %s >> ~/.ssh/known_hosts) or name a file in "
		"PROMOTE_GIT_SSH_KNOWN_HOSTS", name, type, fingerprint, files, port_option, host);
}

int promote__known_hosts_check(const git_cert_hostkey *cert, const char *host, int port, promote__strbuf *why)
{
	promote__strbuf name, files;
	promote__strbuf_init(&name, PROMOTE__PATH_MAX, "the ssh host's name");
	promote__strbuf_init(&files, PROMOTE__MESSAGE_MAX, "the list of known-hosts files");
	char *key = NULL, *fingerprint = NULL;
	verdict v = { false, false, false };
	bool accepted = false;
	int rc = port == 22 ? promote__strbuf_adds(&name, host) : promote__strbuf_addf(&name, "[%s]:%d", host, port);
	if (rc < 0)
		goto done;
	if (!(cert->type & GIT_CERT_SSH_RAW)) {
		rc = promote__strbuf_addf(why, "the ssh host key of %s cannot be checked (libssh2 gave no key)",
			promote__strbuf_cstr(&name));
		goto done;
	}
	key = base64((const unsigned char *)cert->hostkey, cert->hostkey_len, true);
	fingerprint = cert->type & GIT_CERT_SSH_SHA256 ? base64(cert->hash_sha256, sizeof cert->hash_sha256, false)
						     : strdup("");
	if (!key || !fingerprint) {
		rc = promote__error_oom();
		goto done;
	}
	const char *type = type_name(cert->raw_type);
	if ((rc = known_hosts_files(&files)) < 0 ||
		(rc = check_files(&v, promote__strbuf_cstr(&files), promote__strbuf_cstr(&name), type, key)) < 0)
		goto done;
	if ((accepted = v.known && !v.revoked))
		goto done;
	rc = explain(why, &v, host, port, promote__strbuf_cstr(&name), type, fingerprint, promote__strbuf_cstr(&files));
done:
	/* Refused whenever it could not be checked to the end, saying why. */
	if (rc < 0 && !promote__strbuf_len(why) &&
		promote__strbuf_addf(why, "the ssh host key cannot be checked: %s", promote_error_last()->message) < 0)
		promote__strbuf_reset(why);
	free(key);
	free(fingerprint);
	promote__strbuf_free(&name);
	promote__strbuf_free(&files);
	return accepted ? 0 : -1;
}
