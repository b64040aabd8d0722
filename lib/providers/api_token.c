/* A provider's API token from the environment or the credentials callback (api_token.h). */
#include "api_token.h"

#include "git/remote_auth.h"
#include "model/context.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int promote__api_token_header(char **out, const promote__api_token_source *source, promote_context *ctx,
	const char *url)
{
	*out = NULL;
	const char *token = NULL;
	for (size_t i = 0; (!token || !*token) && i < PROMOTE_ARRAY_SIZE(source->variables); i++)
		token = source->variables[i] ? getenv(source->variables[i]) : NULL;
	struct promote_credential answer = { 0, NULL, NULL, NULL, NULL, NULL };
	int rc = 0;
	if ((!token || !*token) && ctx->creds.cb) {
		rc = promote__credentials_ask(&answer, &ctx->creds, url, NULL, PROMOTE_CREDENTIAL_USERPASS);
		if (rc == PROMOTE_PASSTHROUGH) {
			promote_error_clear();
			rc = 0;
		} else if (rc == 0) {
			token = answer.password;
		}
	}
	/* A token given with its scheme ("Bearer T", as the argo command's ARGO_TOKEN holds it) is sent once. */
	const char *colon = strchr(source->header_format, ':'), *slot = strstr(source->header_format, "%s");
	const char *scheme = colon && slot > colon ? colon + 1 + strspn(colon + 1, " ") : NULL;
	size_t n = scheme ? (size_t)(slot - scheme) : 0;
	if (rc == 0 && token && n && strncasecmp(token, scheme, n) == 0)
		token += n;
	if (rc == 0 && (!token || !*token))
		rc = promote__error(PROMOTE_EAUTH, source->error_class, "no %s token for %s: set %s%s%s to %s, or "
			"answer the context's credentials callback with it as the password", source->service, url,
			source->variables[0], source->variables[1] ? " or " : "",
			source->variables[1] ? source->variables[1] : "", source->help);
	if (rc == 0 && !(*out = promote__strdupf(source->header_format, token)))
		rc = promote__error_oom();
	promote__credential_clear(&answer);
	return rc;
}

void promote__api_token_header_free(char *header)
{
	if (!header)
		return;
	memset(header, 0, strlen(header));
	free(header);
}

int promote__api_open(promote__api **out, const promote__api_token_source *source, promote_context *ctx,
	const char *server, promote__api_flavor flavor, bool insecure)
{
	*out = NULL;
	char *header = NULL;
	int rc = promote__api_token_header(&header, source, ctx, server);
	if (rc == 0) {
		promote__api_options options = { 0 };
		options.base_url = server;
		options.auth_header = header;
		options.flavor = flavor;
		options.insecure = insecure;
		options.net_timeout_s = ctx->creds.net_timeout_s;
		rc = promote__api_new(out, &options);
	}
	promote__api_token_header_free(header);
	return rc;
}
