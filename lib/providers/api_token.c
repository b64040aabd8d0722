/* A provider's API token from the environment or the credentials callback (api_token.h). */
#include "api_token.h"

#include "git/remote_auth.h"
#include "model/context.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

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
