/* Objects read straight from the object database's backends (odb_raw.h). */
#include "odb_raw.h"

#include <string.h>

int promote__git_raw_read(promote__git_raw *out, git_odb *odb, const git_oid *id)
{
	*out = (promote__git_raw)PROMOTE__GIT_RAW_INIT;
	size_t count = git_odb_num_backends(odb);
	for (size_t i = 0; i < count; i++) {
		git_odb_backend *backend = NULL;
		void *data = NULL;
		size_t len = 0;
		git_object_t type = GIT_OBJECT_INVALID;
		if (git_odb_get_backend(&backend, odb, i) < 0 || !backend->read) {
			git_error_clear();
			continue;
		}
		int git_rc = backend->read(&data, &len, &type, backend, id);
		if (git_rc == GIT_ENOTFOUND || git_rc == GIT_PASSTHROUGH) {
			git_error_clear();
			continue;
		}
		if (git_rc < 0)
			return git_rc;
		*out = (promote__git_raw){ data, len, type, backend, data, NULL, NULL, NULL };
		return 0;
	}
	git_odb_object *object = NULL;
	int git_rc = git_odb_read(&object, odb, id);
	if (git_rc < 0)
		return git_rc;
	*out = (promote__git_raw){ git_odb_object_data(object), git_odb_object_size(object), git_odb_object_type(object),
		NULL, NULL, object, NULL, NULL };
	return 0;
}

void promote__git_raw_dispose(promote__git_raw *raw)
{
	if (raw->owned)
		git_odb_backend_data_free(raw->backend, raw->owned);
	git_odb_object_free(raw->object);
	if (raw->release)
		raw->release(raw->holder);
	*raw = (promote__git_raw)PROMOTE__GIT_RAW_INIT;
}
