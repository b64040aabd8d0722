/*
 * Internal: libcurl's functions, loaded by name (dlopen) the first time one
 * is needed, not linked. libcurl and what it links (TLS, HTTP/2, IDN, LDAP,
 * Kerberos, SSH: some twenty libraries) cost a process 7 ms to map and
 * relocate before main(), and most runs never make a request with it: every
 * command on a local repository, and a remote's fetch (libgit2's own
 * transport). A session of an http(s) remote, whose pushes do use it, loads
 * it on a thread while its fetch waits for the server
 * (git/start_ahead.h).
 *
 * The fields keep curl.h's own prototypes (__typeof__), so a call is checked
 * as it was; the soname is the one the build found (meson.build,
 * PROMOTE_CURL_SONAME). A package of libpromote must depend on libcurl
 * itself: the loader's DT_NEEDED no longer names it (doc/ABI.md).
 */
#ifndef PROMOTE_NET_CURL_API_H
#define PROMOTE_NET_CURL_API_H

#include "core/common.h"

#include <curl/curl.h>

typedef struct promote__curl_api {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_global_cleanup) *global_cleanup;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_easy_reset) *easy_reset;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_perform) *easy_perform;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
	__typeof__(curl_url) *url;
	__typeof__(curl_url_set) *url_set;
	__typeof__(curl_url_get) *url_get;
	__typeof__(curl_url_cleanup) *url_cleanup;
	__typeof__(curl_free) *free;
	__typeof__(curl_getdate) *getdate;
} promote__curl_api;

/*
 * libcurl's functions, loaded once per process (thread-safe: a second caller
 * waits for the first). NULL with PROMOTE_ENET set when libcurl cannot be
 * loaded ("could not load libcurl (SONAME): WHY; install libcurl"), and
 * every later call says the same.
 */
const promote__curl_api *promote__curl(void);

/*
 * Load libcurl from `soname` into *api: true, or false with `why` (n bytes)
 * saying what failed (the library or a function missing). What
 * promote__curl() does once with the build's soname; a test gives another.
 */
bool promote__curl_load(promote__curl_api *api, const char *soname, char *why, size_t n);

#endif
