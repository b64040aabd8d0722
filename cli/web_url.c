/* The web view's unescaping of paths and query values (web_url.h). */
#include "web_url.h"

int web_url_hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

size_t web_url_unescape(char *s)
{
	char *out = s;
	for (const char *in = s; *in; ) {
		int hi = in[0] == '%' ? web_url_hex_digit(in[1]) : -1, lo = hi >= 0 ? web_url_hex_digit(in[2]) : -1;
		if (lo >= 0 && (hi | lo) != 0) {
			*out++ = (char)(hi << 4 | lo);
			in += 3;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}
