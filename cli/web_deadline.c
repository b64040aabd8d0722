/* The bound on a request's whole time (web_deadline.h). */
#include "web_deadline.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct web_deadline {
	int fd;           /* -1: the slot is free */
	int64_t since_ms; /* when the request began (a monotonic clock); INT64_MAX once shut down */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static struct {
	pthread_t thread;
	bool running, stopping;
	int64_t bound_ms;
	web_deadline *slots;
	unsigned capacity;
} reaper;

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Under the lock, so that a connection's socket is still open (its close waits for web_deadline_close()). */
static void *reap(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&lock);
	while (!reaper.stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&wake, &lock, &until);
		int64_t now = now_ms();
		for (unsigned i = 0; i < reaper.capacity; i++) {
			web_deadline *d = &reaper.slots[i];
			if (d->fd >= 0 && d->since_ms != INT64_MAX && now - d->since_ms > reaper.bound_ms) {
				shutdown(d->fd, SHUT_RDWR);
				d->since_ms = INT64_MAX;
			}
		}
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int web_deadline_start(unsigned seconds, unsigned capacity)
{
	reaper.slots = calloc(capacity, sizeof *reaper.slots);
	if (!reaper.slots)
		return -1;
	for (unsigned i = 0; i < capacity; i++)
		reaper.slots[i].fd = -1;
	reaper.capacity = capacity;
	reaper.bound_ms = (int64_t)seconds * 1000;
	reaper.stopping = false;
	if (pthread_create(&reaper.thread, NULL, reap, NULL) != 0) {
		free(reaper.slots);
		reaper.slots = NULL;
		return -1;
	}
	reaper.running = true;
	return 0;
}

void web_deadline_stop(void)
{
	if (!reaper.running)
		return;
	pthread_mutex_lock(&lock);
	reaper.stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(reaper.thread, NULL);
	reaper.running = false;
	free(reaper.slots);
	reaper.slots = NULL;
	reaper.capacity = 0;
}

web_deadline *web_deadline_open(int fd)
{
	web_deadline *found = NULL;
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < reaper.capacity && !found; i++)
		if (reaper.slots[i].fd < 0) {
			found = &reaper.slots[i];
			found->fd = fd;
			found->since_ms = now_ms();
		}
	pthread_mutex_unlock(&lock);
	return found;
}

void web_deadline_answered(web_deadline *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&lock);
	if (d->since_ms != INT64_MAX)
		d->since_ms = now_ms();
	pthread_mutex_unlock(&lock);
}

void web_deadline_close(web_deadline *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&lock);
	d->fd = -1;
	pthread_mutex_unlock(&lock);
}
