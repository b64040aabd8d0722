/* promote_init / promote_shutdown and the run-time version. */
#include "common.h"
#include "error.h"
#include "global.h"

#include <curl/curl.h>
#include <git2.h>
#include <pthread.h>

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;

int promote_init(void)
{
	int rc;
	pthread_mutex_lock(&init_lock);
	if (init_count == 0) {
		if (git_libgit2_init() < 0) {
			const git_error *e = git_error_last();
			rc = promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT,
				"could not initialise libgit2: %s", e && e->message ? e->message : "unknown");
			goto out;
		}
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			git_libgit2_shutdown();
			rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_NET, "could not initialise libcurl");
			goto out;
		}
	}
	rc = ++init_count;
out:
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
		curl_global_cleanup();
		git_libgit2_shutdown();
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
