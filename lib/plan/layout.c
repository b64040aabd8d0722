/* What a product is in an environment, whatever the layout (layout.h). */
#include "layout.h"

#include "core/array.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/wildmatch.h"
#include "git/refname.h"
#include "yaml/document.h"

#include <stdlib.h>
#include <string.h>

/* ---- placeholders ------------------------------------------------------- */

/* The value of placeholder `name` (`len` bytes, without braces), or NULL. */
static const char *value_of(const char *name, size_t len, const char *env, const promote_product *cfg,
	const char *product)
{
	if (len == 3 && memcmp(name, "env", 3) == 0)
		return env;
	if (len == 7 && memcmp(name, "product", 7) == 0)
		return product;
	for (size_t i = 0; cfg && i < cfg->var_count; i++)
		if (strlen(cfg->vars[i].key) == len && memcmp(cfg->vars[i].key, name, len) == 0)
			return cfg->vars[i].value;
	return NULL;
}

/* `text` expanded; in a YAML path (`path`), a value outside brackets escaped. */
static char *expand(const char *text, const char *env, const promote_product *cfg, const char *product, bool path)
{
	promote_buf out = PROMOTE_BUF_INIT;
	int rc = promote__buf_puts(&out, "");
	bool in_bracket = false;
	for (const char *p = text; rc == 0 && *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		const char *value = close ? value_of(p + 1, (size_t)(close - p - 1), env, cfg, product) : NULL;
		if (!value) {
			if (path && *p == '[')
				in_bracket = true;
			else if (path && *p == ']')
				in_bracket = false;
			rc = promote__buf_putc(&out, *p++);
			continue;
		}
		for (const char *v = value; rc == 0 && *v; v++) {
			if (path && !in_bracket && strchr(".[]\\", *v))
				rc = promote__buf_putc(&out, '\\');
			if (rc == 0)
				rc = promote__buf_putc(&out, *v);
		}
		p = close + 1;
	}
	if (rc) {
		promote_buf_dispose(&out);
		return NULL;
	}
	return out.ptr;
}

char *promote__layout_expand(const char *text, const char *env, const promote_product *cfg, const char *name)
{
	return expand(text, env, cfg, name, false);
}

int promote__layout_path(promote_yaml_path **out, const char *text, const char *env, const promote_product *cfg,
	const char *name)
{
	*out = NULL;
	char *expanded = expand(text, env, cfg, name, true);
	if (!expanded)
		return promote__error_oom();
	int rc = promote_yaml_path_compile(out, expanded);
	free(expanded);
	return rc;
}

/* Does `rel` split into pieces matching parts[i..] with `from` between each two? The pieces, with `to`
 * between them, are appended to `out`. */
static bool split_match(char *const *parts, size_t count, size_t i, const char *rel, const char *from,
	const char *to, promote_buf *out)
{
	if (i + 1 == count)
		return promote__wildmatch(parts[i], rel) && promote__buf_puts(out, rel) == 0;
	size_t from_len = strlen(from), kept = out->size;
	for (const char *at = strstr(rel, from); at; at = strstr(at + 1, from)) {
		char *piece = strndup(rel, (size_t)(at - rel));
		bool ok = piece && promote__wildmatch(parts[i], piece) && promote__buf_puts(out, piece) == 0 &&
			promote__buf_puts(out, to) == 0 && split_match(parts, count, i + 1, at + from_len, from, to, out);
		free(piece);
		if (ok)
			return true;
		out->size = kept;
		if (out->ptr)
			out->ptr[kept] = '\0';
	}
	return false;
}

char *promote__layout_target_name(const char *glob, const char *rel, const char *from, const char *to,
	const promote_product *cfg, const char *name)
{
	PROMOTE__ARRAY(char *) parts = PROMOTE__ARRAY_INIT;
	bool ok = true;
	for (const char *start = glob;;) {
		const char *env = strstr(start, "{env}");
		char *raw = env ? strndup(start, (size_t)(env - start)) : strdup(start);
		char *part = raw ? expand(raw, from, cfg, name, false) : NULL;
		free(raw);
		if (!part || promote__array_push(&parts, part)) {
			free(part);
			ok = false;
			break;
		}
		if (!env)
			break;
		start = env + 5;
	}
	promote_buf out = PROMOTE_BUF_INIT;
	char *target = NULL;
	if (ok && parts.size > 1 && promote__buf_puts(&out, "") == 0 &&
		split_match(parts.ptr, parts.size, 0, rel, from, to, &out))
		target = out.ptr;
	else
		promote_buf_dispose(&out);
	for (size_t i = 0; i < parts.size; i++)
		free(parts.ptr[i]);
	promote__array_free(&parts);
	return target || !ok ? target : strdup(rel);
}

bool promote__layout_shared(const promote_product *cfg)
{
	const char *file = promote_product_version_file(cfg), *path = promote_product_version_path(cfg);
	return (file && strchr(file, '{')) || (path && strchr(path, '{'));
}

/* ---- folders ------------------------------------------------------------ */

char *promote__plan_join(const char *folder, const char *path)
{
	bool root = strcmp(folder, ".") == 0;
	return promote__strdupf("%s%s%s", root ? "" : folder, root ? "" : "/", path);
}

char *promote__plan_file_path(const char *dir, const char *file, const promote_env *env, const promote_product *cfg,
	const char *name)
{
	char *expanded = promote__layout_expand(file, promote_env_name(env), cfg, name);
	char *path = expanded ? promote__plan_join(dir, expanded) : NULL;
	free(expanded);
	return path;
}

bool promote__plan_file_first(const promote_product *cfg, size_t i)
{
	const char *file = promote_product_attribute_file_at(cfg, i);
	for (size_t j = 0; j < i; j++)
		if (strcmp(promote_product_attribute_file_at(cfg, j), file) == 0)
			return false;
	return true;
}

char *promote__plan_folder(promote_context *ctx, const char *path)
{
	const char *folder = promote__context_folder(ctx);
	return !*folder || strcmp(path, ".") == 0 ? strdup(*folder ? folder : path) : promote__plan_join(folder, path);
}

char *promote__plan_env_dir(promote_context *ctx, const promote_env *env)
{
	return promote__plan_folder(ctx, promote_env_path(env));
}

char *promote__plan_product_dir(promote_context *ctx, const promote_env *env, const promote_product *product,
	const char *name)
{
	const char *path = promote_product_path(product);
	const char *star = strchr(path, '*');
	char *with_name = star ? promote__strdupf("%.*s%s%s", (int)(star - path), path, name, star + 1) : NULL;
	char *env_dir = promote__plan_env_dir(ctx, env);
	if (strcmp(path, ".") == 0) /* the environment's folder itself */
		return env_dir;
	char *dir = env_dir && (!star || with_name) ? promote__plan_join(env_dir, star ? with_name : path) : NULL;
	free(with_name);
	free(env_dir);
	return dir;
}

const char *promote__layout_selector(const char *path, size_t *field_len)
{
	const char *end = path ? strstr(path, "={product}]") : NULL;
	const char *open = end;
	while (open && open > path && open[-1] != '[')
		open--;
	if (!end || !open || open == path || open == end)
		return NULL;
	*field_len = (size_t)(end - open);
	return open - 1;
}
