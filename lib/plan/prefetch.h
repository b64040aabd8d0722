/*
 * Internal: the files of a sync's plans read and parsed ahead, on other threads.
 *
 * A sync of thousands of products plans them one after the other (each sees
 * the files the ones before it changed: overlay.h), and reading and parsing
 * each product's files from git is most of its time. Which files a product's
 * plan reads is known from the configuration alone (each attribute file of its
 * template, in the source and in the target), so worker threads — each with a
 * repository object of its own, as libgit2's are not shared between threads —
 * read and parse them a bounded number of products ahead of the planning.
 *
 * The plans read through promote__prefetch_reader(): a file read ahead comes
 * from there, and its document through the reader's `parsed`, handed over
 * only when its bytes are the ones the plan holds (a file an earlier plan
 * changed comes from the overlay above, and is parsed again). A file no
 * worker could read or parse, or had not started when its plan came, is read
 * and parsed by the plan as without them: errors are always the plan's own.
 */
#ifndef PROMOTE_PLAN_PREFETCH_H
#define PROMOTE_PLAN_PREFETCH_H

#include "git/reader.h"
#include "model/context.h"

typedef struct promote__prefetch promote__prefetch;

/* What the plans will read: products `names` (in the order they are planned), from environment `from` at
 * commit `src` into `to` at commit `dst`, all in the context's repository. */
typedef struct promote__prefetch_plan {
	const promote_env *from;
	const promote_env *to;
	const promote__commit_id *src;
	const promote__commit_id *dst;
	char *const *names;
	size_t count;
} promote__prefetch_plan;

/*
 * Start reading ahead. `base` is the reader of the context's repository: the
 * one the prefetcher's reader answers with for what it does not hold. *out is
 * NULL (and 0 returned) when reading ahead gains nothing: fewer than two
 * products, or one processor. As many workers as processors, at most 4;
 * PROMOTE_THREADS=N in the environment sets how many (1: none); fewer when
 * the system gives fewer threads, or the repository cannot be opened again
 * for one. Errors: out of memory.
 */
int promote__prefetch_start(promote__prefetch **out, promote_context *ctx, const promote__tree_reader *base,
	const promote__prefetch_plan *what);

/* The reader to plan through; valid until promote__prefetch_stop(). */
const promote__tree_reader *promote__prefetch_reader(promote__prefetch *pf);

/* Product `index` is planned next: waits for the workers on its files (those no worker started are
 * left to the plan) and frees what was read for the products before it. */
void promote__prefetch_enter(promote__prefetch *pf, size_t index);

/* Stops the workers and frees what they read; logs how many files the plans took from them. NULL: nothing. */
void promote__prefetch_stop(promote__prefetch *pf);

#endif
