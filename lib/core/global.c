/*
 * The run-time state (see global.h): a reference count under a mutex, and
 * which subsystems of the table were started.
 *
 * Subsystems start on first use, not in promote_init(): libgit2's
 * initialisation (TLS library, threads) costs milliseconds that a process
 * editing YAML files never needs; libcurl's likewise.
 */
#include "global.h"

#include "error.h"

#include <pthread.h>

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;
static const promote__subsystem *const *subsystems;
static size_t subsystem_count;
static bool started[PROMOTE__SUBSYSTEMS_MAX];

int promote__runtime_init(const promote__subsystem *const *table, size_t count)
{
	if (count > PROMOTE__SUBSYSTEMS_MAX)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_INVALID,
			"%zu subsystems to start, more than the %d the run-time keeps; raise PROMOTE__SUBSYSTEMS_MAX",
			count, PROMOTE__SUBSYSTEMS_MAX);
	pthread_mutex_lock(&init_lock);
	if (init_count == 0) {
		subsystems = table;
		subsystem_count = count;
	}
	int rc = ++init_count;
	pthread_mutex_unlock(&init_lock);
	return rc;
}

int promote__runtime_shutdown(void)
{
	int rc;
	pthread_mutex_lock(&init_lock);
	if (init_count == 0) {
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_INVALID,
			"promote_shutdown() called more often than promote_init()");
		goto out;
	}
	if (--init_count == 0) {
		for (size_t i = subsystem_count; i-- > 0;) {
			if (started[i] && subsystems[i]->shutdown)
				subsystems[i]->shutdown();
			started[i] = false;
		}
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

/* `s`'s place in the table (subsystem_count: not in it). Under init_lock. */
static size_t index_of(const promote__subsystem *s)
{
	size_t i = 0;
	while (i < subsystem_count && subsystems[i] != s)
		i++;
	return i;
}

int promote__subsystem_need(const promote__subsystem *s)
{
	int rc = 0;
	pthread_mutex_lock(&init_lock);
	size_t i = index_of(s);
	if (init_count == 0)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_INVALID,
			"libpromote is not initialised; call promote_init() first");
	else if (i == subsystem_count)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_INVALID,
			"%s is not in the table of subsystems promote_init() was given", s->name);
	else if (!started[i] && (rc = s->init()) == 0)
		started[i] = true;
	pthread_mutex_unlock(&init_lock);
	return rc;
}

bool promote__subsystem_started(const promote__subsystem *s)
{
	pthread_mutex_lock(&init_lock);
	size_t i = index_of(s);
	bool yes = init_count > 0 && i < subsystem_count && started[i];
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
