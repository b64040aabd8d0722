/*
 * An environment's windows: [{deny: "Fri 16:00 - Mon 08:00", timezone: UTC},
 * {allow: "Mon-Fri 09:00 - 17:00", timezone: "+02:00"}] (window.h says what
 * they mean). A bad day, time or zone is an error at its value.
 */
#include "loader_windows.h"
#include "window.h"

#include "labels.h"

void promote__load_windows(promote__reader *r, promote_env *env, const promote__ynode *node, const char *what)
{
	const promote__ynode *seq = promote__expect(r, node, PROMOTE__YSEQUENCE, what);
	if (!seq || seq->count == 0)
		return;
	env->windows = promote__reader_array(r, seq->count, sizeof *env->windows);
	if (!env->windows)
		return;
	for (size_t i = 0; i < seq->count; i++) {
		const char *item = promote__labelf(r, "window #%zu of environment '%s'", i + 1, env->name);
		const promote__ynode *map = promote__expect(r, seq->items[i], PROMOTE__YMAPPING, item);
		if (!map)
			continue;
		promote__check_keys(r, map, KEYS("deny", "allow", "timezone"), item);
		const promote__ynode *deny = promote__map_get(map, "deny"), *allow = promote__map_get(map, "allow");
		if (!deny == !allow) {
			promote__reader_error(r, seq->items[i], "%s needs one of 'deny' or 'allow' (a window is one or the "
				"other), e.g. {deny: \"Fri 16:00 - Mon 08:00\", timezone: UTC}", item);
			continue;
		}
		promote__window *w = &env->windows[env->window_count];
		const promote__ynode *times = deny ? deny : allow;
		const char *field = promote__label_field(r, deny ? "deny" : "allow", item);
		w->deny = deny != NULL;
		w->where = promote__reader_where(r, times);
		const char *why = NULL;
		if (!(w->text = promote__read_string(r, times, field)))
			continue;
		if ((why = promote__window_parse(w, w->text))) {
			promote__reader_error(r, times, "%s is '%s': %s", field, w->text, why);
			continue;
		}
		const promote__ynode *zone = promote__map_get(map, "timezone");
		w->zone = "UTC";
		if (zone) {
			const char *zone_field = promote__label_field(r, "timezone", item);
			if (!(w->zone = promote__read_string(r, zone, zone_field)))
				continue;
			if ((why = promote__window_zone(&w->offset_s, w->zone))) {
				promote__reader_error(r, zone, "%s is '%s': %s", zone_field, w->zone, why);
				continue;
			}
		}
		env->window_count++;
	}
}
