/*
 * Drives lib/net/api.c for tests/net/test_api.py: reads one JSON document on
 * standard input,
 *   {"options": {"base_url", "auth_header", "flavor": "github"|"gitlab"|"gitea"|"argocd"|"generic",
 *                "ca_bundle", "insecure", "max_requests", "max_response", "max_attempts",
 *                "max_wait_s", "backoff_ms", "net_timeout_s"},
 *    "calls": [{"method", "path", "body"} or {"path", "etag"}: a GET if changed since the ETag]}
 * makes the calls with one client, and writes on standard output
 *   {"results": [{"rc", "status", "json", "next", "etag", "message", "class"}], "waits": [ms, ...],
 *    "trace": [line, ...]}
 * where "waits" are the pauses the client asked for (recorded, not taken: the tests stay fast) and
 * "trace" the lines of its trace callback.
 */
#include "net/api.h"

#include <promote.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void record(unsigned ms, void *payload)
{
	json_object_array_add(payload, json_object_new_int64(ms));
}

static void traced(const char *line, void *payload)
{
	json_object_array_add(payload, json_object_new_string(line));
}

static const char *text(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

static int64_t number(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_int64(v) : 0;
}

static promote__api_flavor flavor_of(const char *name)
{
	static const char *const names[] = { "generic", "github", "gitlab", "gitea", "argocd" };
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return (promote__api_flavor)i;
	return PROMOTE__API_GENERIC;
}

int main(void)
{
	static char input[1 << 20];
	size_t n = fread(input, 1, sizeof input - 1, stdin);
	input[n] = '\0';
	json_object *doc = json_tokener_parse(input), *opts = NULL, *calls = NULL;
	if (!doc || !json_object_object_get_ex(doc, "options", &opts) || !json_object_object_get_ex(doc, "calls", &calls)) {
		fprintf(stderr, "api_driver: expected {\"options\": {...}, \"calls\": [...]}\n");
		return 2;
	}
	if (promote_init() < 1)
		return 2;
	json_object *waits = json_object_new_array(), *results = json_object_new_array(), *trace = json_object_new_array();
	promote__api_options o = { 0 };
	o.base_url = text(opts, "base_url");
	o.auth_header = text(opts, "auth_header");
	o.flavor = flavor_of(text(opts, "flavor"));
	o.ca_bundle = text(opts, "ca_bundle");
	o.insecure = number(opts, "insecure") != 0;
	o.max_requests = (unsigned)number(opts, "max_requests");
	o.max_response = (size_t)number(opts, "max_response");
	o.net_timeout_s = (uint32_t)number(opts, "net_timeout_s");
	o.max_attempts = (unsigned)number(opts, "max_attempts");
	o.max_wait_s = (unsigned)number(opts, "max_wait_s");
	o.backoff_ms = (unsigned)number(opts, "backoff_ms");
	o.sleep_ms = record;
	o.sleep_payload = waits;
	o.trace = traced;
	o.trace_payload = trace;
	promote__api *api = NULL;
	int rc = promote__api_new(&api, &o);
	if (rc) {
		json_object *r = json_object_new_object();
		json_object_object_add(r, "rc", json_object_new_int(rc));
		json_object_object_add(r, "message", json_object_new_string(promote_error_last()->message));
		json_object_array_add(results, r);
	}
	for (size_t i = 0; !rc && i < json_object_array_length(calls); i++) {
		json_object *c = json_object_array_get_idx(calls, i), *body = NULL;
		json_object_object_get_ex(c, "body", &body);
		promote__api_reply reply;
		int call_rc = text(c, "etag") ? promote__api_get_if_changed(api, &reply, text(c, "path"), text(c, "etag"))
					      : promote__api_call(api, &reply, text(c, "method"), text(c, "path"), body);
		json_object *r = json_object_new_object();
		json_object_object_add(r, "rc", json_object_new_int(call_rc));
		json_object_object_add(r, "status", json_object_new_int64(reply.status));
		json_object_object_add(r, "json", json_object_get(reply.json));
		json_object_object_add(r, "next", reply.next ? json_object_new_string(reply.next) : NULL);
		json_object_object_add(r, "etag", reply.etag ? json_object_new_string(reply.etag) : NULL);
		if (call_rc) {
			json_object_object_add(r, "message", json_object_new_string(promote_error_last()->message));
			json_object_object_add(r, "klass", json_object_new_int(promote_error_last()->klass));
			json_object_object_add(r, "class",
				json_object_new_int((int)promote__api_classify(reply.status, call_rc)));
		}
		json_object_array_add(results, r);
		promote__api_reply_dispose(&reply);
	}
	promote__api_free(api);
	json_object *out = json_object_new_object();
	json_object_object_add(out, "results", results);
	json_object_object_add(out, "waits", waits);
	json_object_object_add(out, "trace", trace);
	puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
	json_object_put(out);
	json_object_put(doc);
	promote_shutdown();
	return 0;
}
