/* URLs without their user information, for messages and logs. */
#include "redact.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* What ends a word of a message: a URL or a path never holds these unencoded. */
#define WORD_END " \t\r\n'\"`<>()[]{},"

static bool has(const char *from, const char *to, const char *what)
{
	size_t n = strlen(what);
	for (const char *p = from; p + n <= to; p++)
		if (memcmp(p, what, n) == 0)
			return true;
	return false;
}

char *promote__redact_url(const char *text)
{
	/* Every URL's user information (between the scheme's slashes and the
	 * last '@' of the authority: a password may hold an unencoded '@'), and
	 * the "user:password@" that starts a word (git's scp-like form
	 * user:password@host:path, or what is left of a file:// URL in libgit2's
	 * messages), becomes three asterisks. A user alone before '@' with no
	 * scheme stays ("git@host:path", as ssh shows it). The output is never
	 * longer than the text plus the asterisks of each '@'. */
	size_t n = strlen(text);
	char *out = malloc(n * 2 + 4);
	if (!out)
		return NULL;
	size_t o = 0, word = 0; /* where the current word starts in out */
	for (size_t i = 0; i < n;) {
		if (i + 3 <= n && memcmp(text + i, "://", 3) == 0) {
			memcpy(out + o, "://", 3);
			o += 3;
			i += 3;
			size_t end = i, at = n;
			while (end < n && !strchr("/" WORD_END, text[end])) {
				if (text[end] == '@')
					at = end;
				end++;
			}
			if (at < n) {
				memcpy(out + o, "***", 3);
				o += 3;
				i = at;
				out[o++] = text[i++];
			}
			continue;
		}
		char c = text[i++];
		if (strchr(WORD_END, c)) {
			out[o++] = c;
			word = o;
			continue;
		}
		if (c == '@' && o > word && has(out + word, out + o, ":") && !has(out + word, out + o, "://")) {
			o = word;
			memcpy(out + o, "***", 3);
			o += 3;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}
