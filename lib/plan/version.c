/* The version a product has in an environment (version.h). */
#include "version.h"
#include "plan.h"
#include "layout.h"

#include "core/error.h"
#include "core/strbuf.h"
#include "yaml/document.h"

#include <stdlib.h>
#include <string.h>

int promote__version_tip(promote__commit_id *out, bool *found, const promote__tree_reader *r, const promote_env *env)
{
	char *branch = NULL;
	int rc = promote__plan_branch_of(&branch, r, env);
	if (rc == 0)
		rc = r->tip(out, r->self, branch);
	*found = rc == 0;
	if (rc == PROMOTE_ENOTFOUND && branch) {
		promote_error_clear();
		rc = 0;
	}
	free(branch);
	return rc;
}

int promote__version_source_init(promote__version_source *out, promote_context *ctx, const promote__tree_reader *r,
	const promote_env *env, const promote_product *cfg, const char *name)
{
	*out = (promote__version_source){ r, NULL, NULL };
	if (!promote_product_version_file(cfg))
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
			"product '%s' has no version attribute, so which version an environment holds cannot be told; give "
			"its template one, e.g. 'version: values.yaml#image.tag'", name);
	char *dir = promote__plan_product_dir(ctx, env, cfg, name);
	char *file = promote__layout_expand(promote_product_version_file(cfg), promote_env_name(env), cfg, name);
	int rc = dir && file && (out->file = promote__plan_join(dir, file)) ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__layout_path(&out->path, promote_product_version_path(cfg), promote_env_name(env), cfg, name);
	free(dir);
	free(file);
	return rc;
}

void promote__version_source_dispose(promote__version_source *s)
{
	free(s->file);
	promote_yaml_path_free(s->path);
	s->file = NULL;
	s->path = NULL;
}

int promote__version_read(promote_buf *out, bool *present, const promote__version_source *s,
	const promote__commit_id *commit)
{
	unsigned mode;
	promote_buf_dispose(out);
	int rc = s->r->read(out, &mode, s->r->self, commit, s->file, PROMOTE__YAML_DEFAULT_MAX_SIZE);
	*present = rc == 0;
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = 0;
	}
	return rc;
}

int promote__version_parse(char **out, const promote__version_source *s, const promote_buf *bytes)
{
	*out = NULL;
	promote_yaml_doc *doc = NULL;
	promote_buf v = PROMOTE_BUF_INIT;
	int rc = promote_yaml_doc_parse(&doc, bytes->ptr, bytes->size, s->file, NULL);
	if (rc == 0)
		rc = promote_yaml_get(&v, doc, s->path);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = 0;
	} else if (rc == 0 && !(*out = strdup(v.ptr))) {
		rc = promote__error_oom();
	}
	promote_buf_dispose(&v);
	promote_yaml_doc_free(doc);
	return rc;
}

int promote__version_at(char **out, promote_buf *bytes, const promote__version_source *s,
	const promote__commit_id *commit)
{
	bool present = false;
	*out = NULL;
	int rc = promote__version_read(bytes, &present, s, commit);
	if (rc == 0 && present)
		rc = promote__version_parse(out, s, bytes);
	return rc;
}
