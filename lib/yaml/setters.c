/*
 * Flux image-automation setters: scalars marked with a line comment
 *   # {"$imagepolicy": "NAMESPACE:POLICY[:FIELD]"}
 * take the policy's latest image, or its name, tag or digest.
 */
#include "edit.h"

#include "core/array.h"
#include "core/buf.h"
#include "core/error.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

typedef struct image_ref {
	char *name;   /* registry/repository */
	char *tag;    /* NULL when absent */
	char *digest; /* NULL when absent */
} image_ref;

static void image_ref_free(image_ref *ref)
{
	free(ref->name);
	free(ref->tag);
	free(ref->digest);
}

/* The last `c` among the first `n` bytes of `s`, or NULL. */
static const char *last_of(const char *s, size_t n, char c)
{
	while (n-- > 0)
		if (s[n] == c)
			return s + n;
	return NULL;
}

/* "name:tag@digest": the tag follows the last ':' after the last '/'. */
static int parse_image(image_ref *ref, const char *image)
{
	memset(ref, 0, sizeof *ref);
	const char *at = strchr(image, '@');
	size_t name_end = at ? (size_t)(at - image) : strlen(image);
	const char *slash = last_of(image, name_end, '/');
	const char *from = slash ? slash : image;
	const char *colon = last_of(from, name_end - (size_t)(from - image), ':');
	size_t repo_end = colon ? (size_t)(colon - image) : name_end;
	ref->name = strndup(image, repo_end);
	if (colon)
		ref->tag = strndup(colon + 1, name_end - repo_end - 1);
	if (at)
		ref->digest = strdup(at + 1);
	if (!ref->name || (colon && !ref->tag) || (at && !ref->digest)) {
		image_ref_free(ref);
		return promote__error_oom();
	}
	if (!ref->name[0] || (ref->tag && !ref->tag[0]) || (ref->digest && !ref->digest[0])) {
		image_ref_free(ref);
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"'%s' is not an image reference; write NAME[:TAG][@DIGEST]", image);
	}
	return 0;
}

/* The marker on the line after `node`, as "NAMESPACE:POLICY[:FIELD]", or NULL. */
static char *marker_after(const promote_yaml_doc *doc, const promote__ynode *node)
{
	size_t p = promote__yextent_end(doc, node), end = promote__yline_end(doc, p);
	while (p < end && (doc->text[p] == ' ' || doc->text[p] == '\t'))
		p++;
	if (p >= end || doc->text[p] != '#')
		return NULL;
	char *comment = strndup(doc->text + p + 1, end - p - 1);
	if (!comment)
		return NULL;
	char *result = NULL;
	json_object *obj = json_tokener_parse(comment);
	json_object *policy;
	if (obj && json_object_is_type(obj, json_type_object) &&
		json_object_object_get_ex(obj, "$imagepolicy", &policy) && json_object_is_type(policy, json_type_string))
		result = strdup(json_object_get_string(policy));
	json_object_put(obj);
	free(comment);
	return result;
}

/* A scalar to set: the path that checks it, and its new value. */
typedef struct target {
	promote_yaml_path *path;
	char *value;
} target;

typedef struct setter_run {
	promote_yaml_doc *doc;
	const char *policy;
	const image_ref *image;
	const char *whole;
	/* One entry each per marked scalar, in step: the splices and checks
	 * go to promote__ydoc_apply() as arrays; the targets own what the
	 * checks point at. */
	PROMOTE__ARRAY(promote__splice) splices;
	PROMOTE__ARRAY(promote__check) checks;
	PROMOTE__ARRAY(target) targets;
} setter_run;

/* The value a field of the marker takes, or NULL (error set). */
static const char *field_value(const setter_run *run, const char *field, const promote__ynode *node)
{
	if (!field)
		return run->whole;
	const char *v = strcmp(field, "name") == 0 ? run->image->name
		: strcmp(field, "tag") == 0 ? run->image->tag
		: strcmp(field, "digest") == 0 ? run->image->digest : NULL;
	if (v)
		return v;
	promote__ydoc_error(run->doc, PROMOTE_EINVALID, node,
		strcmp(field, "name") && strcmp(field, "tag") && strcmp(field, "digest")
			? "the image policy marker names field '%s'; Flux knows name, tag and digest"
			: "the image policy marker asks for the %s, and the image given has none",
		field);
	return NULL;
}

static int visit(setter_run *run, size_t document, const promote__ynode *node)
{
	if (!node || node->type == PROMOTE__YALIAS)
		return 0;
	for (size_t i = 0; i < node->count; i++) {
		int rc = visit(run, document, node->items[i]);
		if (rc)
			return rc;
	}
	if (node->type != PROMOTE__YSCALAR || !node->parent)
		return 0;
	/* Only values carry markers: a scalar that is a mapping key is left alone. */
	if (node->parent->type == PROMOTE__YMAPPING) {
		size_t at = 0;
		while (at < node->parent->count && node->parent->items[at] != node)
			at++;
		if (at % 2 == 0)
			return 0;
	}
	char *marker = marker_after(run->doc, node);
	if (!marker)
		return 0;
	size_t plen = strlen(run->policy);
	if (strncmp(marker, run->policy, plen) != 0 || (marker[plen] != '\0' && marker[plen] != ':')) {
		free(marker);
		return 0;
	}
	promote_yaml_path *where = NULL;
	int rc = promote__ypath_of(&where, run->doc->tree, document, node);
	if (rc == PROMOTE_ENOTSUPPORTED) {
		/* Under a key that is not a string: no path can check it, so it is left alone. */
		promote_error_clear();
		rc = 0;
	} else if (rc == 0) {
		const char *value = field_value(run, marker[plen] ? marker + plen + 1 : NULL, node);
		if (!value)
			rc = PROMOTE_EINVALID;
		else if (promote__ynode_is_shared(run->doc->tree, node))
			rc = promote__ydoc_error(run->doc, PROMOTE_EINVALID, node,
				"this image policy marker is on a value that an alias uses too; setting it would "
				"change every alias: move the marker to each use");
		if (rc == 0 && (rc = promote__array_reserve(&run->splices, 1)) == 0 &&
			(rc = promote__array_reserve(&run->checks, 1)) == 0)
			rc = promote__array_reserve(&run->targets, 1);
		if (rc == 0) {
			target *t = &run->targets.ptr[run->targets.size++];
			promote__splice *sp = &run->splices.ptr[run->splices.size++];
			memset(sp, 0, sizeof *sp);
			t->path = where;
			where = NULL;
			t->value = strdup(value);
			rc = t->value ? 0 : promote__error_oom();
			if (rc == 0)
				rc = promote__yedit_render_scalar(sp, run->doc, node, value, 0);
			run->checks.ptr[run->checks.size++] = promote__yedit_check(t->path, t->value, 0);
		}
	}
	promote_yaml_path_free(where);
	free(marker);
	return rc;
}

int promote_yaml_set_image_policy(promote_yaml_doc *doc, const char *policy, const char *image, size_t *changed)
{
	if (!doc || !policy || !image)
		return promote__error_arg(__func__, !doc ? "doc" : !policy ? "policy" : "image");
	if (changed)
		*changed = 0;
	const char *colon = strchr(policy, ':');
	if (!colon || colon == policy || !colon[1] || strchr(colon + 1, ':'))
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"image policy '%s' must be NAMESPACE:POLICY, as its markers name it", policy);
	image_ref ref;
	int rc = parse_image(&ref, image);
	if (rc)
		return rc;
	setter_run run = { doc, policy, &ref, image, PROMOTE__ARRAY_INIT, PROMOTE__ARRAY_INIT, PROMOTE__ARRAY_INIT };
	for (size_t d = 0; d < doc->tree->count && rc == 0; d++)
		rc = visit(&run, d, doc->tree->documents[d]);
	/* Count the scalars whose bytes change before applying consumes the splices. */
	size_t differ = 0;
	for (size_t i = 0; rc == 0 && i < run.splices.size; i++) {
		const promote__splice *s = &run.splices.ptr[i];
		differ += s->end - s->start != s->text.size ||
			memcmp(doc->text + s->start, s->text.ptr ? s->text.ptr : "", s->text.size) != 0;
	}
	if (rc == 0)
		rc = promote__ydoc_apply(doc, run.splices.ptr, run.splices.size, run.checks.ptr, run.checks.size);
	else
		for (size_t i = 0; i < run.splices.size; i++)
			promote_buf_dispose(&run.splices.ptr[i].text);
	if (rc == 0 && changed)
		*changed = differ;
	for (size_t i = 0; i < run.targets.size; i++) {
		promote_yaml_path_free(run.targets.ptr[i].path);
		free(run.targets.ptr[i].value);
	}
	promote__array_free(&run.splices);
	promote__array_free(&run.checks);
	promote__array_free(&run.targets);
	image_ref_free(&ref);
	return rc;
}
