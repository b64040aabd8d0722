/* The apply gate: upstream environments that miss a version, and rollbacks (gate.h). */
#include "gate.h"
#include "plan.h"
#include "version.h"

#include "core/error.h"
#include "core/strbuf.h"
#include "model/workflow.h"

#include <stdlib.h>
#include <string.h>

typedef promote__version_source source;

/* The version `env` holds at its branch's tip (NULL: none), and the file's bytes there. */
static int held_now(char **out, promote_buf *bytes, promote__commit_id *tip, bool *found, const source *s,
	const promote_env *env)
{
	*out = NULL;
	int rc = promote__version_tip(tip, found, s->r, env);
	if (rc == 0 && *found)
		rc = promote__version_at(out, bytes, s, tip);
	return rc;
}

/* ---- upstream environments --------------------------------------------- */

static int held_before(bool *held_it, promote__commit_id *at, size_t *read, const source *s, promote_buf *bytes,
	bool present, const promote__commit_id *tip, const char *version, size_t max_commits);

typedef struct upstream {
	const promote_env *env;
	long wave;   /* the trigger: -1 */
	size_t order;
} upstream;

static const promote_flow_step *step_of(const promote_flow *flow, const promote_env *env)
{
	for (size_t i = 0; i < flow->step_count; i++)
		if (flow->steps[i].env == env)
			return &flow->steps[i];
	return NULL;
}

/* Nearest first: the latest wave first, declaration order within a wave, the trigger last. */
static int by_nearness(const void *a, const void *b)
{
	const upstream *x = a, *y = b;
	if (x->wave != y->wave)
		return x->wave > y->wave ? -1 : 1;
	return x->order < y->order ? -1 : (x->order > y->order);
}

/* Every environment `env` waits for in `flow`, directly or not (at most one entry per step, plus the trigger). */
static int upstream_of(upstream **out, size_t *count, const promote_flow *flow, const promote_env *env)
{
	*out = NULL;
	*count = 0;
	const promote_flow_step *start = step_of(flow, env);
	if (!start)
		return 0;
	upstream *list = malloc((flow->step_count + 1) * sizeof *list);
	const promote_flow_step **queue = malloc((flow->step_count + 1) * sizeof *queue);
	if (!list || !queue) {
		free(list);
		free(queue);
		return promote__error_oom();
	}
	size_t head = 0, tail = 0;
	queue[tail++] = start;
	while (head < tail) {
		const promote_flow_step *step = queue[head++];
		for (size_t d = 0; d < step->dep_count; d++) {
			const promote_env *dep = step->deps[d];
			bool seen = false;
			for (size_t k = 0; k < *count && !seen; k++)
				seen = list[k].env == dep;
			if (seen)
				continue;
			const promote_flow_step *dep_step = dep == flow->trigger ? NULL : step_of(flow, dep);
			list[(*count)++] = (upstream){ dep, dep_step ? (long)dep_step->wave : -1,
				dep_step ? (size_t)(dep_step - flow->steps) : flow->step_count };
			if (dep_step)
				queue[tail++] = dep_step;
		}
	}
	free(queue);
	qsort(list, *count, sizeof *list, by_nearness);
	*out = list;
	return 0;
}

static int check_upstream(promote__gate *gate, promote_context *ctx, const promote__tree_reader *r,
	const promote_env *to, const promote_product *cfg, const char *product, const char *version, size_t max_commits)
{
	upstream *list = NULL;
	size_t count = 0;
	int rc = upstream_of(&list, &count, gate->flow, to);
	if (rc == 0 && count && !(gate->missing = calloc(count, sizeof *gate->missing)))
		rc = promote__error_oom();
	for (size_t i = 0; rc == 0 && i < count; i++) {
		source s = { NULL, NULL, NULL };
		char *held = NULL;
		promote_buf bytes = PROMOTE_BUF_INIT;
		promote__commit_id tip;
		bool found;
		const promote__tree_reader *er = NULL; /* the environment's repository: the context's or its own */
		rc = promote__plan_reader_of(&er, ctx, list[i].env, r);
		if (rc == 0)
			rc = promote__version_source_init(&s, ctx, er, list[i].env, cfg, product);
		if (rc == 0)
			rc = held_now(&held, &bytes, &tip, &found, &s, list[i].env);
		/* An environment the version went through, and that moved on since, does not miss it. */
		bool passed = held && strcmp(held, version) == 0;
		size_t read = 0;
		promote__commit_id at;
		if (rc == 0 && !passed && found)
			rc = held_before(&passed, &at, &read, &s, &bytes, held != NULL, &tip, version, max_commits);
		if (rc == 0 && !passed) {
			gate->missing[gate->missing_count++] = (promote__gate_miss){ list[i].env, held };
			held = NULL;
		}
		free(held);
		promote_buf_dispose(&bytes);
		promote__version_source_dispose(&s);
	}
	free(list);
	return rc;
}

/* ---- history -------------------------------------------------------------- */

/* Walk the first-parent history of an environment's branch below its tip,
 * whose file is `bytes` (`present`), for a commit where it held `version`:
 * *at set and true returned when one is found. At most `max_commits` commits
 * are read (*read counts them, the tip included). */
static int held_before(bool *held_it, promote__commit_id *at, size_t *read, const source *s, promote_buf *bytes,
	bool present, const promote__commit_id *tip, const char *version, size_t max_commits)
{
	promote__commit_id commit = *tip;
	promote_buf older = PROMOTE_BUF_INIT;
	int rc = 0;
	*held_it = false;
	for (*read = 1; rc == 0 && !*held_it && *read < max_commits;) {
		promote__commit_id next;
		if ((rc = s->r->parent(&next, s->r->self, &commit)) == PROMOTE_ENOTFOUND) {
			promote_error_clear();
			rc = 0;
			break;
		}
		bool was_present = false;
		if (rc == 0)
			rc = promote__version_read(&older, &was_present, s, &next);
		if (rc)
			break;
		(*read)++;
		commit = next;
		/* The same bytes as the newer commit: the same version, which was not it. */
		bool same = was_present == present &&
			(!present || (older.size == bytes->size && memcmp(older.ptr, bytes->ptr, older.size) == 0));
		char *held = NULL;
		if (!same && was_present && promote__version_parse(&held, s, &older) != 0)
			promote_error_clear(); /* a file broken then says nothing of the version */
		if (held && strcmp(held, version) == 0) {
			*held_it = true;
			*at = commit;
		}
		free(held);
		promote_buf swap = *bytes;
		*bytes = older;
		older = swap;
		present = was_present;
	}
	promote_buf_dispose(&older);
	return rc;
}

/* ---- the gate ------------------------------------------------------------- */

int promote__plan_gate(promote__gate *out, promote_context *ctx, const promote__tree_reader *r, const char *product,
	const char *env, const char *version, size_t max_commits)
{
	memset(out, 0, sizeof *out);
	if (!ctx || !r || !product || !env || !version)
		return promote__error_arg(__func__, !ctx ? "ctx" : !r ? "r" : !product ? "product" : !env ? "env" : "version");
	const promote_env *to;
	int rc = promote_env_lookup(&to, ctx, env);
	if (rc)
		return rc;
	const promote_product *cfg = promote__product_config(ctx, product);
	if (!cfg)
		return promote_product_lookup(&cfg, ctx, product);
	if (promote_flow_lookup(&out->flow, ctx, NULL) != 0) {
		promote_error_clear(); /* no default flow: nothing upstream */
		out->flow = NULL;
	}
	source s;
	promote_buf bytes = PROMOTE_BUF_INIT;
	promote__commit_id tip;
	bool found = false;
	char *held = NULL;
	rc = promote__version_source_init(&s, ctx, r, to, cfg, product);
	if (rc == 0)
		rc = held_now(&held, &bytes, &tip, &found, &s, to);
	out->current = held && strcmp(held, version) == 0;
	if (!max_commits)
		max_commits = PROMOTE__GATE_HISTORY_MAX;
	if (rc == 0 && out->flow)
		rc = check_upstream(out, ctx, r, to, cfg, product, version, max_commits);
	if (rc == 0 && found && out->missing_count && !out->current)
		rc = held_before(&out->rollback, &out->held_at, &out->commits_read, &s, &bytes, held != NULL, &tip,
			version, max_commits);
	free(held);
	promote_buf_dispose(&bytes);
	promote__version_source_dispose(&s);
	return rc;
}

bool promote__gate_refuses(const promote__gate *gate)
{
	return gate->missing_count && !gate->current && !gate->rollback;
}

int promote__gate_refusal(const promote__gate *gate, const char *product, const char *env, const char *version)
{
	promote__strbuf list;
	promote__strbuf_init(&list, PROMOTE__MESSAGE_MAX, "the environments a version misses");
	int rc = 0;
	size_t n = gate->missing_count;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const promote__gate_miss *m = &gate->missing[i];
		const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
		rc = m->version ? promote__strbuf_addf(&list, "%s%s holds %s", sep, promote_env_name(m->env), m->version)
				: promote__strbuf_addf(&list, "%s%s does not hold %s", sep, promote_env_name(m->env), product);
	}
	const char *flow = gate->flow ? promote_flow_name(gate->flow) : "default";
	bool named_default = strcmp(flow, "default") == 0;
	if (rc == 0)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE,
			"refusing to promote %s %s into %s: %s (the default flow%s%s%s promotes %s after %s); bring it "
			"through %s first, or force it with a reason (promote_release_options.force and .reason)", product,
			version, env, promote__strbuf_cstr(&list), named_default ? "" : " '", named_default ? "" : flow,
			named_default ? "" : "'", env, n == 1 ? "it" : "them",
			n == 1 ? promote_env_name(gate->missing[0].env) : "them");
	else
		rc = promote__error_oom();
	promote__strbuf_free(&list);
	return rc;
}

void promote__gate_dispose(promote__gate *gate)
{
	for (size_t i = 0; i < gate->missing_count; i++)
		free(gate->missing[i].version);
	free(gate->missing);
	memset(gate, 0, sizeof *gate);
}
