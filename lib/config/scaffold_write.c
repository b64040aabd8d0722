/*
 * The text of a starting configuration (scaffold.h): version, repositories,
 * environments, products, policies and the default flow, each section with a
 * comment saying what it is and what to change. Names and paths are written
 * plain when YAML reads them back as the same string, else double-quoted.
 * The text is loaded once before it is handed out, so what `promote init`
 * writes is a configuration `promote validate` accepts.
 */
#include "scaffold.h"

#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int promote__scaffold_init(promote__scaffold *s)
{
	memset(s, 0, sizeof *s);
	s->arena = promote__arena_new();
	return s->arena ? 0 : promote__error_oom();
}

void promote__scaffold_dispose(promote__scaffold *s)
{
	promote__array_free(&s->repos);
	promote__array_free(&s->envs);
	promote__array_free(&s->products);
	promote__arena_free(s->arena);
	memset(s, 0, sizeof *s);
}

/* Whether YAML reads `s` plain as this very string: letters, digits and . _ - / # only, starting with a letter or
 * digit, and not a word YAML reads as something else. */
static bool plain(const char *s)
{
	static const char *const special[] = { "true", "false", "yes", "no", "on", "off", "null", "y", "n" };
	if (strcmp(s, ".") == 0)
		return true;
	if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
		return false;
	bool digits = true;
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
			*p == '_' || *p == '-' || *p == '/' || *p == '#';
		if (!ok)
			return false;
		digits = digits && ((*p >= '0' && *p <= '9') || *p == '.');
	}
	for (size_t i = 0; i < sizeof special / sizeof *special; i++)
		if (strcasecmp(s, special[i]) == 0)
			return false;
	return !digits;
}

/* `s` as a YAML scalar: plain, or double-quoted with \" \\ and \xNN escapes. */
static int put_scalar(promote__strbuf *b, const char *s)
{
	if (plain(s))
		return promote__strbuf_adds(b, s);
	int rc = promote__strbuf_adds(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; rc == 0 && *p; p++)
		rc = *p == '"' || *p == '\\' ? promote__strbuf_addf(b, "\\%c", *p)
			: *p < 0x20 || *p == 0x7f ? promote__strbuf_addf(b, "\\x%02x", *p)
			: promote__strbuf_add(b, p, 1);
	return rc ? rc : promote__strbuf_adds(b, "\"");
}

/* "# TEXT" lines at `indent`, the text's own line breaks kept. */
static int put_comment(promote__strbuf *b, const char *indent, const char *text)
{
	int rc = 0;
	while (rc == 0 && text && *text) {
		const char *end = strchr(text, '\n');
		size_t len = end ? (size_t)(end - text) : strlen(text);
		rc = promote__strbuf_addf(b, "%s# %.*s\n", indent, (int)len, text);
		text += len + (end ? 1 : 0);
	}
	return rc;
}

static int put_repositories(promote__strbuf *b, const promote__scaffold *s)
{
	if (!s->repos.size)
		return 0;
	int rc = promote__strbuf_adds(b, "\n# Repositories other than the one holding this file, by name; an environment names\n"
		"# its own with 'repository:'. provider: local until a git provider for the forge is registered.\n"
		"repositories:\n");
	for (size_t i = 0; rc == 0 && i < s->repos.size; i++) {
		const promote__scaffold_repo *r = &s->repos.ptr[i];
		if (rc == 0)
			rc = put_comment(b, "  ", r->note);
		if (rc == 0)
			rc = promote__strbuf_adds(b, "  ");
		if (rc == 0)
			rc = put_scalar(b, r->name);
		if (rc == 0)
			rc = promote__strbuf_adds(b, ":\n    url: ");
		if (rc == 0)
			rc = put_scalar(b, r->url);
		if (rc == 0)
			rc = promote__strbuf_adds(b, "\n");
	}
	return rc;
}

static int put_key_value(promote__strbuf *b, const char *indent, const char *key, const char *value)
{
	int rc = promote__strbuf_addf(b, "%s%s: ", indent, key);
	if (rc == 0)
		rc = put_scalar(b, value);
	return rc ? rc : promote__strbuf_adds(b, "\n");
}

static int put_environment(promote__strbuf *b, const promote__scaffold_env *e)
{
	int rc = put_comment(b, "  ", e->note);
	if (rc == 0)
		rc = promote__strbuf_adds(b, "  ");
	if (rc == 0)
		rc = put_scalar(b, e->name);
	if (rc == 0)
		rc = promote__strbuf_adds(b, ":\n");
	if (rc == 0)
		rc = put_key_value(b, "    ", "path", e->path);
	if (rc == 0 && e->production)
		rc = promote__strbuf_adds(b, "    kind: production\n");
	if (rc == 0)
		rc = put_key_value(b, "    ", "strategy", e->strategy);
	if (rc == 0 && e->repository)
		rc = put_key_value(b, "    ", "repository", e->repository);
	if (rc == 0 && e->cluster) {
		rc = promote__strbuf_adds(b, "    clusters:\n      - name: ");
		if (rc == 0)
			rc = put_scalar(b, e->cluster);
		if (rc == 0 && e->ns)
			rc = put_key_value(b, "\n        ", "namespace", e->ns);
		else if (rc == 0)
			rc = promote__strbuf_adds(b, "\n");
	}
	return rc;
}

static int put_environments(promote__strbuf *b, const promote__scaffold *s)
{
	int rc = promote__strbuf_adds(b, "\n# The environments, by name: each one's folder ('path', in the repository holding\n"
		"# this file unless 'repository' names another), its kind (production, or non-production by\n"
		"# default) and its strategy: auto promotes by a commit, manual prepares a change that waits\n"
		"# for an approval, never is not promoted into.\n"
		"environments:\n");
	for (size_t i = 0; rc == 0 && i < s->envs.size; i++)
		rc = put_environment(b, &s->envs.ptr[i]);
	return rc;
}

static int put_product(promote__strbuf *b, const promote__scaffold_product *p)
{
	int rc = put_comment(b, "  ", p->note);
	if (rc == 0)
		rc = promote__strbuf_adds(b, "  ");
	if (rc == 0)
		rc = put_scalar(b, p->name);
	if (rc == 0)
		rc = promote__strbuf_adds(b, ":\n");
	if (rc == 0)
		rc = put_key_value(b, "    ", "path", p->path);
	if (rc == 0)
		rc = promote__strbuf_adds(b, "    template:\n      attributes:\n        ");
	if (rc == 0)
		rc = put_scalar(b, p->file);
	if (rc == 0)
		rc = promote__strbuf_adds(b, ": [");
	if (rc == 0)
		rc = put_scalar(b, p->attribute);
	if (rc == 0)
		rc = promote__strbuf_adds(b, "]\n      version: ");
	char *version = rc == 0 ? promote__strdupf("%s#%s", p->file, p->attribute) : NULL;
	if (rc == 0 && !version)
		rc = PROMOTE_ENOMEM;
	if (rc == 0)
		rc = put_scalar(b, version);
	free(version);
	return rc ? rc : promote__strbuf_adds(b, "\n");
}

static int put_products(promote__strbuf *b, const promote__scaffold *s)
{
	int rc = promote__strbuf_adds(b, "\n# The products: each one's folder under every environment's path, and its template:\n"
		"# the attributes a promotion copies (file: [YAML paths]; {env} in a file's name is the\n"
		"# environment's name) and the one that is the product's version (FILE#PATH). Add files\n"
		"# copied whole with 'files: [GLOB, ...]'.\n");
	if (rc == 0 && !s->products.size) {
		rc = put_comment(b, "", s->products_note);
		return rc ? rc : promote__strbuf_adds(b, "products: {}\n");
	}
	if (rc == 0)
		rc = promote__strbuf_adds(b, "products:\n");
	for (size_t i = 0; rc == 0 && i < s->products.size; i++)
		rc = put_product(b, &s->products.ptr[i]);
	return rc;
}

static int put_flow(promote__strbuf *b, const promote__scaffold *s)
{
	int rc = promote__strbuf_adds(b, "\n# How a promotion is made (a commit, or a change request: pull-request), by policies\n"
		"# matched to products and environments; the strategy of the environment decides whether it waits\n"
		"# for an approval.\n"
		"policies:\n  - name: default\n    action: commit\n"
		"\n# The default flow: a release starts in the trigger and goes through the steps; a step\n"
		"# starts when the environments it depends on (dependsOn; none: the trigger) hold the version.\n");
	bool steps = false;
	for (size_t i = 0; i < s->envs.size; i++)
		steps = steps || s->envs.ptr[i].step;
	if (rc == 0 && !steps)
		return promote__strbuf_adds(b, "# None: no environment to promote into yet. Add one, then a flow such as\n"
			"# flows: {default: {trigger: dev, steps: {staging: {}}}}\n");
	if (rc == 0)
		rc = put_comment(b, "", s->flow_note);
	if (rc == 0)
		rc = promote__strbuf_adds(b, "flows:\n  default:\n    trigger: ");
	if (rc == 0)
		rc = put_scalar(b, s->envs.ptr[s->trigger].name);
	bool any = false;
	for (size_t i = 0; rc == 0 && i < s->envs.size; i++) {
		const promote__scaffold_env *e = &s->envs.ptr[i];
		if (!e->step)
			continue;
		rc = promote__strbuf_adds(b, any ? "\n      " : "\n    steps:\n      ");
		any = true;
		if (rc == 0)
			rc = put_scalar(b, e->name);
		if (rc == 0)
			rc = promote__strbuf_adds(b, e->dep_count ? ": {dependsOn: [" : ": {}");
		for (size_t d = 0; rc == 0 && d < e->dep_count; d++) {
			rc = d ? promote__strbuf_adds(b, ", ") : 0;
			if (rc == 0)
				rc = put_scalar(b, s->envs.ptr[e->deps[d]].name);
		}
		if (rc == 0 && e->dep_count)
			rc = promote__strbuf_adds(b, "]}");
	}
	return rc ? rc : promote__strbuf_adds(b, "\n");
}

/* Load the text as the library loads a configuration: what init writes must be valid. */
static int check(const promote__strbuf *b)
{
	promote_context *ctx = NULL;
	int rc = promote_context_open_buffer(&ctx, promote__strbuf_cstr(b), promote__strbuf_len(b), "promote.yaml", NULL);
	promote_context_free(ctx);
	if (rc == PROMOTE_ENOMEM || rc == 0)
		return rc;
	char *why = promote__strdupf("%s", promote_error_last()->message);
	rc = promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_CONFIG,
		"the configuration made would not load (%s); this is a bug: please report it with what it was "
		"made from", why ? why : "out of memory");
	free(why);
	return rc;
}

int promote__scaffold_write(promote_buf *out, const promote__scaffold *s)
{
	promote__strbuf b;
	promote__strbuf_init(&b, (size_t)1 << 30, "a starting configuration");
	int rc = put_comment(&b, "", s->origin);
	if (rc == 0)
		rc = promote__strbuf_adds(&b, "# Every key is in doc/CONFIG.md.\nversion: 1\n");
	if (rc == 0)
		rc = put_repositories(&b, s);
	if (rc == 0)
		rc = put_environments(&b, s);
	if (rc == 0)
		rc = put_products(&b, s);
	if (rc == 0)
		rc = put_flow(&b, s);
	if (rc == 0)
		rc = check(&b);
	if (rc == 0) {
		out->size = promote__strbuf_len(&b);
		out->reserved = out->size + 1;
		out->ptr = promote__strbuf_take(&b);
	}
	promote__strbuf_free(&b);
	return rc;
}
