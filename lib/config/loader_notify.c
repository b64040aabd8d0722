/*
 * notifications: {NAME: {events, products, environments, url | urlEnv | run,
 * secretEnv, insecure, timeout, attempts}} (loader_notify.h). The
 * environments are checked against `environments:` later (model/validate.c).
 */
#include "loader_notify.h"
#include "loader_deploy.h"

#include "labels.h"

#include <string.h>

static const char *const event_names[PROMOTE__NOTIFY_EVENT_COUNT] = { "release.started", "step.waiting",
	"step.failed", "release.succeeded", "release.failed", "release.aborted" };

const char *promote__notify_event_name(unsigned event)
{
	for (unsigned i = 0; i < PROMOTE__NOTIFY_EVENT_COUNT; i++)
		if (event == 1u << i)
			return event_names[i];
	return "unknown";
}

static void read_events(promote__reader *r, promote__notification *n, const promote__ynode *node, const char *what)
{
	const promote__ynode *seq = promote__expect(r, node, PROMOTE__YSEQUENCE, what);
	if (seq && seq->count == 0)
		promote__reader_error(r, node, "%s is empty; name the events to send, e.g. [step.waiting, step.failed]",
			what);
	for (size_t i = 0; seq && i < seq->count; i++) {
		int e = promote__read_enum(r, seq->items[i], what, event_names, PROMOTE__NOTIFY_EVENT_COUNT);
		if (e >= 0)
			n->events |= 1u << e;
	}
}

/* An environment variable's name: a letter or '_', then letters, digits and '_' (NULL and an error otherwise). */
static const char *read_variable(promote__reader *r, const promote__ynode *node, const char *what)
{
	const char *name = promote__read_string(r, node, what);
	bool ok = name && *name && !(name[0] >= '0' && name[0] <= '9') && strlen(name) <= 128;
	for (const char *p = name; ok && *p; p++)
		ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
	if (name && !ok)
		promote__reader_error(r, node, "%s is '%s', which is no environment variable's name; give one such as "
			"PROMOTE_NOTIFY_SECRET (letters, digits and '_')", what, name);
	return ok ? name : NULL;
}

static void load_notification(promote__reader *r, promote__notification *n, const promote__ynode *key,
	const promote__ynode *value)
{
	const char *what = promote__label_named(r, "notification", n->name);
	const promote__ynode *map = promote__expect(r, value, PROMOTE__YMAPPING, what);
	n->timeout_s = PROMOTE__NOTIFY_TIMEOUT_DEFAULT;
	n->attempts = PROMOTE__NOTIFY_ATTEMPTS_DEFAULT;
	if (!map)
		return;
	promote__check_keys(r, map, KEYS("events", "products", "environments", "url", "urlEnv", "run", "secretEnv",
		"insecure", "timeout", "attempts"), what);
	const promote__ynode *v;
	if ((v = promote__map_get(map, "events")))
		read_events(r, n, v, promote__label_field(r, "events", what));
	else
		promote__reader_error(r, key, "%s has no 'events'; name what it is sent for, e.g. 'events: [step.waiting, "
			"step.failed, release.failed]' (release.started, step.waiting, step.failed, release.succeeded, "
			"release.failed, release.aborted)", what);
	if ((v = promote__map_get(map, "products")))
		promote__read_string_list(r, v, promote__label_field(r, "products", what), &n->products, &n->product_count);
	if ((v = promote__map_get(map, "environments")))
		promote__read_ref_list(r, v, promote__label_field(r, "environments", what), &n->environments,
			&n->environment_count);
	const promote__ynode *url = promote__map_get(map, "url"), *url_env = promote__map_get(map, "urlEnv"),
			     *run = promote__map_get(map, "run");
	if ((url != NULL) + (url_env != NULL) + (run != NULL) != 1)
		promote__reader_error(r, url ? url : url_env ? url_env : run ? run : key,
			"%s needs exactly one of 'url' (a JSON POST to it), 'urlEnv' (the same, the URL read from that "
			"environment variable: for a URL with a token in it) and 'run' (a hook given the event's JSON on "
			"its standard input)", what);
	else if (url)
		n->url = promote__read_http_url(r, url, promote__label_field(r, "url", what),
			"where to POST the events, such as https://hooks.example.com/promote");
	else if (url_env)
		n->url_env = read_variable(r, url_env, promote__label_field(r, "urlEnv", what));
	else
		promote__read_argv(r, run, promote__label_field(r, "run", what), &n->argv, &n->argc);
	if ((v = promote__map_get(map, "secretEnv"))) {
		if (run)
			promote__reader_error(r, v, "%s signs a POST, and %s runs a hook: remove 'secretEnv'",
				promote__label_field(r, "secretEnv", what), what);
		else
			n->secret_env = read_variable(r, v, promote__label_field(r, "secretEnv", what));
	}
	if ((v = promote__map_get(map, "insecure")))
		n->insecure = promote__read_bool(r, v, promote__label_field(r, "insecure", what), false);
	if ((v = promote__map_get(map, "timeout")))
		promote__read_duration(r, v, promote__label_field(r, "timeout", what), PROMOTE__NOTIFY_TIMEOUT_MAX,
			&n->timeout_s);
	int32_t attempts;
	if ((v = promote__map_get(map, "attempts")) && promote__read_bounded(r, v,
			promote__label_field(r, "attempts", what), 1, PROMOTE__NOTIFY_ATTEMPTS_MAX, &attempts))
		n->attempts = (uint32_t)attempts;
}

void promote__load_notifications(promote__reader *r, promote__config *cfg, const promote__ynode *node)
{
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, "'notifications'");
	if (!map)
		return;
	size_t count = promote__ymap_size(map);
	cfg->notifications = promote__reader_array(r, count, sizeof *cfg->notifications);
	for (size_t i = 0; cfg->notifications && i < count; i++) {
		promote__notification *n = &cfg->notifications[cfg->notification_count];
		if (!(n->name = promote__entry_name(r, map, i)))
			continue;
		n->where = promote__reader_where(r, map->items[2 * i]);
		promote__check_config_name(r, map->items[2 * i], "notification", n->name);
		load_notification(r, n, map->items[2 * i], map->items[2 * i + 1]);
		cfg->notification_count++;
	}
}
