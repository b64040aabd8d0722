/* URLs without their user information, for messages and logs. */
#include "redact.h"

#include <stdlib.h>
#include <string.h>

char *promote__redact_url(const char *text)
{
	/* The user information of every URL in the text (between the scheme's
	 * slashes and the '@') becomes three asterisks. */
	size_t n = strlen(text);
	char *out = malloc(n * 2 + 4);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		if (i + 3 <= n && memcmp(text + i, "://", 3) == 0) {
			memcpy(out + o, "://", 3);
			o += 3;
			i += 3;
			size_t end = i;
			while (end < n && !strchr("/@ \t\r\n'\"", text[end]))
				end++;
			if (end < n && text[end] == '@') {
				memcpy(out + o, "***", 3);
				o += 3;
				i = end;
			}
			continue;
		}
		out[o++] = text[i++];
	}
	out[o] = '\0';
	return out;
}
