/*
 * Internal: whether a mirror's fetch would change anything, from the refs
 * the remote advertised. A release's own pushes move the mirror's refs as
 * they land, so its next fetch usually brings nothing; libgit2 finds that
 * out ref by ref — it looks for each advertised commit on disk, looks each
 * ref up, then lists the mirror's refs to prune — and every release adds
 * refs (its record, its leases) that every fetch goes through: 22 ms after
 * the advertisement for 250 refs, for nothing. One pass over the mirror's
 * refs against the advertisement says the same.
 */
#ifndef PROMOTE_GIT_FETCH_NEEDED_H
#define PROMOTE_GIT_FETCH_NEEDED_H

#include "core/common.h"

#include <git2.h>

/*
 * Whether the fetch of `specs` (forced fetch refspecs, as mirror.c fetches)
 * from the connected `remote` into `repo`, with pruning, would change
 * nothing: every ref the remote advertises under them is the mirror's ref
 * of the name they map it to, at the same commit, and the mirror has no
 * other ref under them. false when it would, and when unsure (an error, a
 * symbolic ref under them): the fetch then runs. No error is left set.
 */
bool promote__git_fetch_changes_nothing(git_repository *repo, git_remote *remote, const git_strarray *specs);

#endif
