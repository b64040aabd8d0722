/* libcurl loaded by name when first needed (curl_api.h). */
#include "curl_api.h"

#include "core/dynlib.h"
#include "core/error.h"

#include <pthread.h>
#include <stddef.h>

#ifndef PROMOTE_CURL_SONAME
#error "PROMOTE_CURL_SONAME: libcurl's soname, set by meson.build"
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static promote__curl_api loaded;
static bool usable;
static char failure[512];

#define SYMBOL(field) { "curl_" #field, offsetof(promote__curl_api, field) }

static const promote__dynlib_symbol symbols[] = {
	SYMBOL(global_init), SYMBOL(global_cleanup), SYMBOL(easy_init), SYMBOL(easy_cleanup), SYMBOL(easy_reset),
	SYMBOL(easy_setopt), SYMBOL(easy_perform), SYMBOL(easy_getinfo), SYMBOL(easy_strerror), SYMBOL(slist_append),
	SYMBOL(slist_free_all), SYMBOL(url), SYMBOL(url_set), SYMBOL(url_get),
	SYMBOL(url_cleanup), SYMBOL(free), SYMBOL(getdate),
};

bool promote__curl_load(promote__curl_api *api, const char *soname, char *why, size_t n)
{
	return promote__dynlib_load(soname, symbols, sizeof symbols / sizeof *symbols, api, sizeof *api, why, n);
}

static void load_once(void)
{
	usable = promote__curl_load(&loaded, PROMOTE_CURL_SONAME, failure, sizeof failure);
}

const promote__curl_api *promote__curl(void)
{
	pthread_once(&once, load_once);
	if (usable)
		return &loaded;
	promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_NET,
		"could not load libcurl (%s): %s; install libcurl (Debian: apt install libcurl4)", PROMOTE_CURL_SONAME,
		failure);
	return NULL;
}
