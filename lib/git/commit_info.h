/* Internal: what a commit says and whom it is by, as the git layer's callers give it. */
#ifndef PROMOTE_GIT_COMMIT_INFO_H
#define PROMOTE_GIT_COMMIT_INFO_H

#include "core/common.h"

/* Who a commit is by, and what it says. */
typedef struct promote__git_commit_info {
	const char *author_name;
	const char *author_email;
	int64_t time;                /* seconds since the epoch; 0 = now */
	const char *message;         /* the whole message, trailers included */
	const char *committer_name;  /* NULL: the author (identity.h finds both) */
	const char *committer_email;
} promote__git_commit_info;

#endif
