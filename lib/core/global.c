/*
 * promote_init / promote_shutdown and the run-time version.
 *
 * libgit2 is initialised on first use, not in promote_init(): its
 * initialisation (TLS library, threads) costs milliseconds that a process
 * editing YAML files never needs. libcurl likewise, the first time lib/net
 * makes a request. promote_shutdown() releases both.
 */
#include "global.h"

#include "error.h"

#include <curl/curl.h>
#include <git2.h>
#include <pthread.h>

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;
static bool git_ready;
static bool curl_ready;

int promote_init(void)
{
	pthread_mutex_lock(&init_lock);
	int rc = ++init_count;
	pthread_mutex_unlock(&init_lock);
	return rc;
}

int promote_shutdown(void)
{
	int rc;
	pthread_mutex_lock(&init_lock);
	if (init_count == 0) {
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_INVALID,
			"promote_shutdown() called more often than promote_init()");
		goto out;
	}
	if (--init_count == 0) {
		if (git_ready)
			git_libgit2_shutdown();
		if (curl_ready)
			curl_global_cleanup();
		git_ready = curl_ready = false;
	}
	rc = init_count;
out:
	pthread_mutex_unlock(&init_lock);
	return rc;
}

bool promote__initialized(void)
{
	pthread_mutex_lock(&init_lock);
	bool yes = init_count > 0;
	pthread_mutex_unlock(&init_lock);
	return yes;
}

int promote__need_git(void)
{
	int rc = 0;
	pthread_mutex_lock(&init_lock);
	if (init_count == 0) {
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_INVALID,
			"libpromote is not initialised; call promote_init() first");
	} else if (!git_ready) {
		if (git_libgit2_init() < 0) {
			const git_error *e = git_error_last();
			rc = promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "could not initialise libgit2: %s",
				e && e->message ? e->message : "unknown");
		} else {
			git_ready = true;
		}
	}
	pthread_mutex_unlock(&init_lock);
	return rc;
}

int promote__need_curl(void)
{
	int rc = 0;
	pthread_mutex_lock(&init_lock);
	if (init_count == 0) {
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_INVALID,
			"libpromote is not initialised; call promote_init() first");
	} else if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_NET, "could not initialise libcurl");
		else
			curl_ready = true;
	}
	pthread_mutex_unlock(&init_lock);
	return rc;
}

int promote_version(int *major, int *minor, int *rev)
{
	if (major)
		*major = PROMOTE_VERSION_MAJOR;
	if (minor)
		*minor = PROMOTE_VERSION_MINOR;
	if (rev)
		*rev = PROMOTE_VERSION_PATCH;
	return 0;
}

const char *promote_version_string(void)
{
	return PROMOTE_VERSION;
}
