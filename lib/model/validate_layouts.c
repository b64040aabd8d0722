/*
 * The layouts a product's template describes (doc/CONFIG.md#layouts): every
 * {NAME} placeholder in its files, attribute files, YAML paths and version
 * must be {env}, {product} or one of the product's `vars`; a var may not
 * take the name of a built-in placeholder; a discovery product ("*") finds
 * folders (a '*' in its path) or the entries of a list (a [FIELD={product}]
 * selector in its version's YAML path).
 */
#include "validate_layouts.h"

#include "core/strbuf.h"

#include <string.h>

#define ERROR_AT(errors, where, ...) \
	promote__errlist_add((errors), PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, (where), __VA_ARGS__)

static bool var_name_ok(const char *name)
{
	if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z')))
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
			    *c == '-'))
			return false;
	return true;
}

static bool defines(const promote_product *p, const char *name, size_t len)
{
	if ((len == 3 && memcmp(name, "env", 3) == 0) || (len == 7 && memcmp(name, "product", 7) == 0))
		return true;
	for (size_t i = 0; i < p->var_count; i++)
		if (strlen(p->vars[i].key) == len && memcmp(p->vars[i].key, name, len) == 0)
			return true;
	return false;
}

/* Every {NAME} of `text` defined for product `p`; `what` names the text, `whose` (may be "") where it stands. */
static void check_text(promote__errlist *errors, const promote_product *p, const char *text, const char *what,
	const char *whose, const promote__location *where)
{
	for (const char *c = strchr(text, '{'); c; c = strchr(c + 1, '{')) {
		const char *close = strchr(c, '}');
		size_t len = close ? (size_t)(close - c - 1) : strlen(c + 1);
		if (close && defines(p, c + 1, len))
			continue;
		promote__strbuf vars;
		promote__strbuf_init(&vars, PROMOTE__MESSAGE_MAX, "the list of a product's vars");
		int rc = 0;
		for (size_t i = 0; rc == 0 && i < p->var_count; i++)
			rc = promote__strbuf_addf(&vars, ", {%s}", p->vars[i].key);
		if (!close)
			ERROR_AT(errors, where, "%s '%s'%s opens a placeholder with '{' and never closes it; write {env}, "
				"{product} or {NAME} of the product's 'vars'", what, text, whose);
		else
			ERROR_AT(errors, where, "%s '%s'%s names the placeholder {%.*s}, which product '%s' does not "
				"define; use {env}, {product}%s, or give the product 'vars: {%.*s: VALUE}'", what, text, whose,
				(int)len, c + 1, p->name, rc == 0 ? promote__strbuf_cstr(&vars) : "", (int)len, c + 1);
		promote__strbuf_free(&vars);
		if (!close)
			return;
	}
}

static void check_template(promote__errlist *errors, const promote_product *p)
{
	const promote__template *t = p->tmpl;
	promote__strbuf whose;
	promote__strbuf_init(&whose, PROMOTE__MESSAGE_MAX, "a label for a message");
	for (size_t i = 0; i < t->file_count; i++)
		check_text(errors, p, t->files[i].name, "the 'files' glob", "", &t->files[i].where);
	for (size_t i = 0; i < t->attribute_count; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(t->attributes[j].file, t->attributes[i].file) != 0;
		if (first)
			check_text(errors, p, t->attributes[i].file, "the attribute file", "", &t->attributes[i].where);
		if (promote__strbuf_setf(&whose, " of '%s'", t->attributes[i].file) == 0)
			check_text(errors, p, t->attributes[i].path, "the YAML path", promote__strbuf_cstr(&whose),
				&t->attributes[i].where);
	}
	if (t->version_file) {
		check_text(errors, p, t->version_file, "the FILE of 'version'", "", &t->version_where);
		check_text(errors, p, t->version_path, "the YAML path of 'version'", "", &t->version_where);
	}
	promote__strbuf_free(&whose);
}

void promote__model_validate_layouts(const promote__config *cfg, promote__errlist *errors)
{
	for (size_t i = 0; i < cfg->product_count; i++) {
		const promote_product *p = &cfg->products[i];
		for (size_t j = 0; j < p->var_count; j++) {
			const char *key = p->vars[j].key;
			if (strcmp(key, "env") == 0 || strcmp(key, "product") == 0)
				ERROR_AT(errors, &p->vars_where, "'vars' of product '%s' defines '%s', a placeholder of its "
					"own ({%s} is the %s's name); give the var another name", p->name, key, key,
					strcmp(key, "env") == 0 ? "environment" : "product");
			else if (!var_name_ok(key))
				ERROR_AT(errors, &p->vars_where, "'vars' of product '%s' defines '%s'; a var's name is a "
					"letter, then letters, digits, '_' or '-' (it is written {NAME} in the template)",
					p->name, key);
		}
		if (p->tmpl)
			check_template(errors, p);
		/* A discovery product finds folders ('*' in its path) or the entries of a list. */
		if (!p->discovery || !p->path || strchr(p->path, '*') || !p->tmpl)
			continue;
		const char *v = p->tmpl->version_path;
		const char *sel = v ? strstr(v, "={product}]") : NULL;
		if (!sel || !memchr(v, '[', (size_t)(sel - v)))
			ERROR_AT(errors, &p->path_where, "'path' of the discovery product '*' is '%s'; it needs a '*' "
				"where product folders stand, e.g. 'apps/*', or, when the products are the entries of a "
				"list, its template's version a selector '[FIELD={product}]' where they stand, e.g. "
				"'helmfile.yaml#releases[name={product}].version'", p->path);
	}
}
