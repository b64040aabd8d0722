/* What a mirror's lock file says about its holder (see lock_note.h). */
#include "lock_note.h"

#include "core/strbuf.h"
#include "net/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "PID SINCE BOUND DOING URL\n": numbers, one word, the redacted URL. */
#define NOTE_MAX 4096

void promote__lock_note_write(int fd, const char *doing, const char *url, unsigned net_timeout_s)
{
	char *shown = promote__redact_url(url);
	promote__strbuf note;
	promote__strbuf_init(&note, NOTE_MAX, "the lock's note");
	if (shown && promote__strbuf_addf(&note, "%ld %lld %u %s %.3000s\n", (long)getpid(), (long long)time(NULL),
			     net_timeout_s, doing, shown) == 0 && ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, promote__strbuf_cstr(&note), promote__strbuf_len(&note), 0);
	promote__strbuf_free(&note);
	free(shown);
}

void promote__lock_note_clear(int fd)
{
	(void)!ftruncate(fd, 0);
}

char *promote__lock_note_describe(int fd)
{
	char text[NOTE_MAX + 1];
	ssize_t n = pread(fd, text, NOTE_MAX, 0);
	if (n <= 0)
		return NULL;
	text[n] = '\0';
	long pid;
	long long since;
	unsigned bound;
	char doing[32];
	int url_at = 0;
	if (sscanf(text, "%ld %lld %u %31s %n", &pid, &since, &bound, doing, &url_at) != 4 || url_at == 0)
		return NULL;
	char *url = text + url_at;
	url[strcspn(url, "\n")] = '\0';
	long long age = (long long)time(NULL) - since;
	promote__strbuf out;
	promote__strbuf_init(&out, NOTE_MAX * 2, "the lock holder's description");
	char *described = promote__strbuf_addf(&out,
				  "pid %ld has been %s %s for %lld s; it gives up after %u s without data from the server",
				  pid, doing, url, age < 0 ? 0 : age, bound) == 0
		? promote__strbuf_take(&out)
		: NULL;
	promote__strbuf_free(&out);
	return described;
}
