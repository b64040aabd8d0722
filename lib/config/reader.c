#include "reader.h"
#include "duration.h"

#include "core/strbuf.h"
#include "core/strutil.h"
#include "yaml/keys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

promote__location promote__reader_where(const promote__reader *r, const promote__ynode *node)
{
	promote__location where = { r->file, node ? node->start.line : 1, node ? node->start.column : 1 };
	return where;
}

void promote__reader_error(promote__reader *r, const promote__ynode *node, const char *fmt, ...)
{
	promote__location where = promote__reader_where(r, node);
	va_list ap;
	va_start(ap, fmt);
	promote__errlist_vadd(r->errors, PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, &where, fmt, ap);
	va_end(ap);
}

const promote__ynode *promote__map_get(const promote__ynode *map, const char *key)
{
	map = promote__ynode_resolve(map);
	if (!map || map->type != PROMOTE__YMAPPING)
		return NULL;
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const promote__ynode *k = promote__ynode_resolve(map->items[i]);
		if (k->type == PROMOTE__YSCALAR && strcmp(k->value, key) == 0)
			return map->items[i + 1];
	}
	return NULL;
}

/* "a, b, c" built in `list` (once: kept for the next call with the same
 * names), or NULL when out of memory, noted in the reader's errors. */
static const char *join_names(promote__reader *r, promote__strbuf *list, const char *const *names, size_t count)
{
	if (promote__strbuf_len(list))
		return promote__strbuf_cstr(list);
	for (size_t i = 0; i < count; i++) {
		if (promote__strbuf_addf(list, "%s%s", i ? ", " : "", names[i]) < 0) {
			promote__strbuf_reset(list);
			promote__errlist_add(r->errors, PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, NULL, "out of memory");
			return NULL;
		}
	}
	return promote__strbuf_cstr(list);
}

static void names_init(promote__strbuf *list)
{
	promote__strbuf_init(list, PROMOTE__MESSAGE_MAX, "the list of accepted names");
}

void promote__check_keys(promote__reader *r, const promote__ynode *map, const char *const *allowed,
	size_t allowed_count, const char *what)
{
	map = promote__ynode_resolve(map);
	promote__strbuf list;
	names_init(&list);
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const promote__ynode *k = promote__ynode_resolve(map->items[i]);
		if (k->type != PROMOTE__YSCALAR)
			continue; /* reported by promote__check_duplicate_keys */
		bool known = false;
		for (size_t j = 0; j < allowed_count && !known; j++)
			known = strcmp(k->value, allowed[j]) == 0;
		const char *names = known ? NULL : join_names(r, &list, allowed, allowed_count);
		if (names)
			promote__reader_error(r, map->items[i], "unknown key '%s' in %s%s; the keys allowed here are: %s",
				k->value, what, promote__did_you_mean(k->value, allowed, allowed_count), names);
	}
	promote__strbuf_free(&list);
}

static int report_duplicate(const promote__ynode *first, const promote__ynode *second, void *payload)
{
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "a message about a duplicate key");
	if (promote__yduplicate_describe(&text, first, second) == 0)
		promote__reader_error(payload, second, "%s; each name may appear once, remove or rename one",
			promote__strbuf_cstr(&text));
	promote__strbuf_free(&text);
	return 0;
}

/* Keys that are not scalars, in every mapping of the tree. */
static void check_scalar_keys(promote__reader *r, const promote__ynode *node)
{
	/* Aliased nodes are checked where they are defined, so walk only real nodes. */
	if (!node || node->type == PROMOTE__YALIAS || node->type == PROMOTE__YSCALAR)
		return;
	for (size_t i = 0; node->type == PROMOTE__YMAPPING && i + 1 < node->count; i += 2) {
		const promote__ynode *k = promote__ynode_resolve(node->items[i]);
		if (k->type != PROMOTE__YSCALAR)
			promote__reader_error(r, node->items[i], "a key here is a %s; keys must be plain strings",
				promote__ynode_type_name(k));
	}
	for (size_t i = 0; i < node->count; i++)
		check_scalar_keys(r, node->items[i]);
}

void promote__check_duplicate_keys(promote__reader *r, const promote__ynode *node)
{
	check_scalar_keys(r, node);
	if (promote__yduplicate_keys(node, report_duplicate, r) < 0)
		promote__reader_error(r, node, "out of memory while looking for duplicate keys; try again");
}

static const char *type_hint(promote__ynode_type type)
{
	switch (type) {
	case PROMOTE__YMAPPING: return " (write 'key: value' entries)";
	case PROMOTE__YSEQUENCE: return " (write a list: [a, b] or '- a' lines)";
	default: return "";
	}
}

static const char *type_noun(promote__ynode_type type)
{
	switch (type) {
	case PROMOTE__YMAPPING: return "mapping";
	case PROMOTE__YSEQUENCE: return "list";
	default: return "string";
	}
}

const promote__ynode *promote__expect(promote__reader *r, const promote__ynode *node,
	promote__ynode_type type, const char *what)
{
	const promote__ynode *n = promote__ynode_resolve(node);
	if (n && n->type == type)
		return n;
	promote__reader_error(r, node, "%s must be a %s, not a %s%s", what, type_noun(type),
		promote__ynode_type_name(n), type_hint(type));
	return NULL;
}

const char *promote__read_string(promote__reader *r, const promote__ynode *node, const char *what)
{
	const promote__ynode *n = promote__ynode_resolve(node);
	if (!n || n->type != PROMOTE__YSCALAR || promote__yscalar_is_null(n)) {
		promote__reader_error(r, node, "%s must be a non-empty string, not a %s", what,
			promote__ynode_type_name(n));
		return NULL;
	}
	if (n->length == 0) {
		promote__reader_error(r, node, "%s is an empty string; give it a value", what);
		return NULL;
	}
	if (strlen(n->value) != n->length) {
		promote__reader_error(r, node, "%s contains a NUL character; remove it", what);
		return NULL;
	}
	const char *s = promote__arena_strndup(r->arena, n->value, n->length);
	if (!s)
		promote__errlist_add(r->errors, PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, NULL, "out of memory");
	return s;
}

const char *promote__read_http_url(promote__reader *r, const promote__ynode *node, const char *what,
	const char *hint)
{
	const char *url = promote__read_string(r, node, what);
	if (url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
		promote__reader_error(r, node, "%s is '%s', which is not an http(s) URL; give %s", what, url, hint);
		return NULL;
	}
	return url;
}

/* A plain scalar that is a decimal int32_t. */
static bool parse_int32(const promote__ynode *n, int32_t *out)
{
	if (!n || n->type != PROMOTE__YSCALAR || n->style != PROMOTE__YPLAIN || n->length == 0)
		return false;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(n->value, &end, 10);
	if (*end != '\0' || errno != 0 || v < INT32_MIN || v > INT32_MAX)
		return false;
	*out = (int32_t)v;
	return true;
}

bool promote__read_int32(promote__reader *r, const promote__ynode *node, const char *what, int32_t *out)
{
	const promote__ynode *n = promote__ynode_resolve(node);
	if (parse_int32(n, out))
		return true;
	bool quoted = n && n->type == PROMOTE__YSCALAR && n->style != PROMOTE__YPLAIN;
	promote__reader_error(r, node, "%s must be a whole number between %d and %d, not %s%s%s%s", what,
		(int)INT32_MIN, (int)INT32_MAX, n && n->type == PROMOTE__YSCALAR ? "'" : "a ",
		n && n->type == PROMOTE__YSCALAR ? n->value : promote__ynode_type_name(n),
		n && n->type == PROMOTE__YSCALAR ? "'" : "", quoted ? " (write the number without quotes)" : "");
	return false;
}

bool promote__read_bounded(promote__reader *r, const promote__ynode *node, const char *what, int32_t min,
	int32_t max, int32_t *out)
{
	const promote__ynode *n = promote__ynode_resolve(node);
	int32_t v;
	if (parse_int32(n, &v) && v >= min && v <= max) {
		*out = v;
		return true;
	}
	bool scalar = n && n->type == PROMOTE__YSCALAR;
	promote__reader_error(r, node, "%s is %s%s%s; write a whole number from %d to %d%s", what, scalar ? "'" : "a ",
		scalar ? n->value : promote__ynode_type_name(n), scalar ? "'" : "", (int)min, (int)max,
		scalar && n->style != PROMOTE__YPLAIN ? " (without quotes)" : "");
	return false;
}

bool promote__read_duration(promote__reader *r, const promote__ynode *node, const char *what, uint32_t max_s,
	uint32_t *out)
{
	const promote__ynode *n = promote__ynode_resolve(node);
	uint64_t seconds = 0;
	if (!n || n->type != PROMOTE__YSCALAR || promote__yscalar_is_null(n)) {
		promote__reader_error(r, node, "%s must be a duration such as 90s, 10m, 24h or 1h30m, not a %s", what,
			promote__ynode_type_name(n));
		return false;
	}
	if (strlen(n->value) != n->length || !promote__duration_parse(n->value, &seconds)) {
		bool number = n->length && strspn(n->value, "0123456789") == n->length;
		promote__reader_error(r, node, "%s is '%s'; write a duration such as 90s, 10m, 24h or 1h30m%s", what,
			n->value, number ? " (a number needs its unit: s, m or h)" : "");
		return false;
	}
	if (seconds == 0 || seconds > max_s) {
		promote__reader_error(r, node, "%s is '%s'; write a duration from 1s to %s", what, n->value,
			promote__duration(max_s).text);
		return false;
	}
	*out = (uint32_t)seconds;
	return true;
}

int promote__read_enum(promote__reader *r, const promote__ynode *node, const char *what,
	const char *const *names, size_t count)
{
	const promote__ynode *n = promote__ynode_resolve(node);
	if (n && n->type == PROMOTE__YSCALAR)
		for (size_t i = 0; i < count; i++)
			if (strcmp(n->value, names[i]) == 0)
				return (int)i;
	promote__strbuf list;
	names_init(&list);
	const char *accepted = join_names(r, &list, names, count);
	if (accepted && (!n || n->type != PROMOTE__YSCALAR))
		promote__reader_error(r, node, "%s must be one of %s, not a %s", what, accepted,
			promote__ynode_type_name(n));
	else if (accepted)
		promote__reader_error(r, node, "%s is '%s'%s; use one of: %s", what, n->value,
			promote__did_you_mean(n->value, names, count), accepted);
	promote__strbuf_free(&list);
	return -1;
}

bool promote__read_ref_list(promote__reader *r, const promote__ynode *node, const char *what,
	promote__ref **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	const promote__ynode *n = promote__ynode_resolve(node);
	if (n && n->type == PROMOTE__YSCALAR && !promote__yscalar_is_null(n)) {
		const promote__ynode *one[1] = { node };
		promote__ynode single = { .type = PROMOTE__YSEQUENCE, .items = (promote__ynode **)one, .count = 1 };
		return promote__read_ref_list(r, &single, what, out, count);
	}
	if (!(n = promote__expect(r, node, PROMOTE__YSEQUENCE, what)))
		return false;
	if (n->count == 0)
		return true;
	promote__ref *refs = promote__arena_alloc(r->arena, n->count * sizeof *refs);
	if (!refs)
		return false;
	bool ok = true;
	for (size_t i = 0; i < n->count; i++) {
		const char *s = promote__read_string(r, n->items[i], what);
		if (!s) {
			ok = false;
			continue;
		}
		refs[*count].name = s;
		refs[*count].where = promote__reader_where(r, n->items[i]);
		(*count)++;
	}
	*out = refs;
	return ok;
}

bool promote__read_bool(promote__reader *r, const promote__ynode *node, const char *what, bool fallback)
{
	static const char *const values[] = { "false", "true" };
	int i = promote__read_enum(r, node, what, values, 2);
	return i < 0 ? fallback : i == 1;
}

bool promote__read_string_list(promote__reader *r, const promote__ynode *node, const char *what,
	const char ***out, size_t *count)
{
	promote__ref *refs;
	bool ok = promote__read_ref_list(r, node, what, &refs, count);
	*out = NULL;
	if (*count == 0)
		return ok;
	const char **names = promote__arena_alloc(r->arena, *count * sizeof *names);
	if (!names)
		return false;
	for (size_t i = 0; i < *count; i++)
		names[i] = refs[i].name;
	*out = names;
	return ok;
}

bool promote__read_string_map(promote__reader *r, const promote__ynode *node, const char *what,
	promote__pair **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	const promote__ynode *n = promote__expect(r, node, PROMOTE__YMAPPING, what);
	if (!n)
		return false;
	size_t pairs = promote__ymap_size(n);
	if (pairs == 0)
		return true;
	promote__pair *items = promote__arena_alloc(r->arena, pairs * sizeof *items);
	if (!items)
		return false;
	bool ok = true;
	for (size_t i = 0; i < pairs; i++) {
		const char *key = promote__read_string(r, n->items[2 * i], what);
		const char *value = promote__read_string(r, n->items[2 * i + 1], what);
		if (!key || !value) {
			ok = false;
			continue;
		}
		items[*count].key = key;
		items[*count].value = value;
		(*count)++;
	}
	*out = items;
	return ok;
}

static bool path_error(promote__reader *r, const promote__location *where, const char *what, const char *s,
	const char *problem)
{
	promote__errlist_add(r->errors, PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, where, "%s is '%s', %s", what, s,
		problem);
	return false;
}

bool promote__check_relative_path(promote__reader *r, const promote__location *where, const char *what,
	const char *s, unsigned flags)
{
	static const char empty_part[] =
		"which has an empty or '.' component; write it without '//', './' or a trailing '/'";
	if (s[0] == '/' || s[0] == '\\')
		return path_error(r, where, what, s,
			"an absolute path; paths are relative to the repository or environment folder, remove the "
			"leading '/'");
	if (((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) && s[1] == ':' &&
		(s[2] == '/' || s[2] == '\\'))
		return path_error(r, where, what, s,
			"an absolute path; paths are relative to the repository or environment folder");
	if (strcmp(s, ".") == 0)
		return (flags & PROMOTE__PATH_DOT) ||
			path_error(r, where, what, s, "which names the folder itself; name a file or folder inside it");
	for (const char *part = s; *part;) {
		size_t len = strcspn(part, "/");
		if (len == 2 && part[0] == '.' && part[1] == '.')
			return path_error(r, where, what, s,
				"which contains '..' and could escape its folder; name the folder directly");
		if (len == 0 || (len == 1 && part[0] == '.'))
			return path_error(r, where, what, s, empty_part);
		if (!(flags & PROMOTE__PATH_GLOB) && strcspn(part, "*?[]") < len)
			return path_error(r, where, what, s,
				"wildcards (* ? [ ]) are not allowed here; name the path exactly");
		part += len;
		if (*part == '/' && !*++part)
			return path_error(r, where, what, s, empty_part);
	}
	return true;
}

const char *promote__read_relative_path(promote__reader *r, const promote__ynode *node, const char *what,
	unsigned flags)
{
	const char *s = promote__read_string(r, node, what);
	promote__location where = promote__reader_where(r, node);
	return s && promote__check_relative_path(r, &where, what, s, flags) ? s : NULL;
}

bool promote__read_path_list(promote__reader *r, const promote__ynode *node, const char *what, unsigned flags,
	promote__ref **out, size_t *count)
{
	size_t n;
	bool ok = promote__read_ref_list(r, node, what, out, &n);
	*count = 0;
	for (size_t i = 0; *out && i < n; i++) {
		if (promote__check_relative_path(r, &(*out)[i].where, what, (*out)[i].name, flags))
			(*out)[(*count)++] = (*out)[i];
		else
			ok = false;
	}
	return ok;
}
