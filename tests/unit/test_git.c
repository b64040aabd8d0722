/* The git layer: commits built in memory, read back and checked with the git CLI itself. */
#include "helpers.h"

#include "git/commit.h"
#include "git/repo.h"
#include "git/tree_cache.h"
#include "git/tree_patch.h"
#include "git/loose_object.h"
#include "git/loose_stored.h"
#include "git/trailers.h"
#include "git/refs_pack.h"
#include "git/fetch_needed.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[128];
static char bare[256];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/promote-test-git-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(bare, sizeof bare, "%s/gitops.git", dir);
	/* A bare repository with one commit on main: two environments. */
	if (sh(NULL, 0,
		    "cd %s && " GIT "init -q -b main work && cd work && mkdir -p envs/dev envs/prod && "
		    "printf 'image:\\n  tag: \"1.2.0\" # dev\\n' > envs/dev/values.yaml && "
		    "printf 'image:\\n  tag: \"1.0.0\" # prod\\n' > envs/prod/values.yaml && "
		    "echo readme > README && " GIT "add -A && " GIT "commit -qm init && "
		    GIT "clone -q --bare . %s", dir, bare) != 0)
		return -1;
	return helpers_init(state);
}

static int teardown(void **state)
{
	if (remove_scratch(dir))
		return -1;
	return helpers_shutdown(state);
}

static void test_read(void **state)
{
	(void)state;
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, bare), 0);
	git_oid main;
	assert_int_equal(promote__git_branch_tip(&main, repo, "main"), 0);
	promote_buf buf = PROMOTE_BUF_INIT;
	assert_int_equal(promote__git_read(&buf, repo, &main, "envs/prod/values.yaml", 1024), 0);
	assert_string_equal(buf.ptr, "image:\n  tag: \"1.0.0\" # prod\n");
	promote_buf_dispose(&buf);
	assert_int_equal(promote__git_read(&buf, repo, &main, "envs/prod/missing.yaml", 1024), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "has no file 'envs/prod/missing.yaml'"));
	assert_int_equal(promote__git_read(&buf, repo, &main, "envs", 1024), PROMOTE_ENOTFOUND);
	/* Over the limit: refused from the object's header, before it is read. */
	assert_int_equal(promote__git_read(&buf, repo, &main, "envs/prod/values.yaml", 10), PROMOTE_ELIMIT);
	assert_non_null(strstr(promote_error_last()->message, "has 29 bytes, more than the limit of 10"));
	assert_null(buf.ptr);
	assert_int_equal(promote__git_branch_tip(&main, repo, "nope"), PROMOTE_ENOTFOUND);
	git_repository_free(repo);
}

/* The pack of `commit` (what it adds to its first parent), as git itself counts its objects by type once it
 * has indexed it (a complete pack, not thin): " 1 blob; 1 commit; 3 tree;". *objects: the count it says. */
static void pack_counts(char *out, size_t size, size_t *objects, git_repository *repo, const git_oid *commit)
{
	promote_buf pack = PROMOTE_BUF_INIT;
	assert_int_equal(promote__git_pack_added(&pack, objects, repo, commit, NULL, false), 0);
	char path[300];
	snprintf(path, sizeof path, "%s/push.pack", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pack.ptr, 1, pack.size, f), pack.size);
	fclose(f);
	promote_buf_dispose(&pack);
	assert_int_equal(sh(out, size, "cd %s && rm -f push.idx && git index-pack push.pack >/dev/null && "
				      "git verify-pack -v push.idx | awk '$2 ~ /^(commit|tree|blob)$/ {print $2}' | sort | "
				      "uniq -c | tr -s ' ' | tr '\\n' ';'", dir), 0);
}

/* The pack a push sends: the commit and what it adds, nothing the parent has. */
static void test_pack_holds_what_the_commit_adds(void **state)
{
	(void)state;
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, bare), 0);
	git_oid main, commit;
	assert_int_equal(promote__git_branch_tip(&main, repo, "main"), 0);
	const char *dev = "image:\n  tag: \"9.9.9\" # dev\n";
	promote__git_edit edits[] = { { "envs/dev/values.yaml", dev, strlen(dev), false, 0 } };
	promote__git_commit_info info = { "T", "t@example.com", 1700000000, "pack me\n", NULL, NULL };
	bool created;
	assert_int_equal(promote__git_commit(&commit, &created, repo, &main, edits, 1, &info, NULL), 0);
	char out[4096];
	size_t objects = 0;
	pack_counts(out, sizeof out, &objects, repo, &commit);
	/* the commit; the root, envs and envs/dev trees; the one new blob */
	assert_string_equal(out, " 1 blob; 1 commit; 3 tree;");
	assert_int_equal(objects, 5);
	git_repository_free(repo);
}

/* The two trees are walked side by side in git's order, where a folder sorts as if its name ended in '/':
 * "a-b/" < "a.b" < "a/" < "a0". Paired wrongly, unchanged siblings would be sent again; a file that became
 * a folder is new. */
static void test_pack_pairs_entries_in_gits_order(void **state)
{
	(void)state;
	char work[256], out[4096], head[64];
	snprintf(work, sizeof work, "%s/order", dir);
	assert_int_equal(sh(head, sizeof head,
				 "mkdir %s && cd %s && " GIT "init -q -b main && mkdir a a-b && echo 1 > a/f && echo same > a-b/g && "
				 "echo same > a.b && echo same > a0 && echo blob > x && " GIT "add -A && " GIT "commit -qm one && "
				 "echo 2 > a/f && rm x && mkdir x && echo new > x/y && " GIT "add -A && " GIT "commit -qm two && "
				 GIT "rev-parse HEAD | tr -d '\\n'", work, work), 0);
	char path[300];
	snprintf(path, sizeof path, "%s/.git", work);
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, path), 0);
	git_oid commit;
	assert_int_equal(git_oid_fromstr(&commit, head), 0);
	size_t objects = 0;
	pack_counts(out, sizeof out, &objects, repo, &commit);
	/* the commit; the root, a and x trees; a/f and x/y */
	assert_string_equal(out, " 2 blob; 1 commit; 3 tree;");
	git_repository_free(repo);
}

/* A folder large enough to be kept and looked up by a binary search (tree_cache.c), and to be written
 * with its id computed apart (tree_patch.c): 600 files, and names that sort differently as a file and as a
 * folder ("a" is a folder: git orders it as "a/", after "a-b" and "a.b"). */
static git_repository *large_folder(git_oid *commit, const char *name)
{
	char work[256], head[64], path[300];
	snprintf(work, sizeof work, "%s/%s", dir, name);
	assert_int_equal(sh(head, sizeof head,
				 "mkdir %s && cd %s && " GIT "init -q -b main && mkdir -p big/a big/a-b && "
				 "for i in $(seq 100 699); do echo $i > big/f$i; done && echo in-a > big/a/f && "
				 "echo in-a-b > big/a-b/g && echo a.b > big/a.b && echo a0 > big/a0 && echo x > big/x && "
				 GIT "add -A && " GIT "commit -qm big && " GIT "rev-parse HEAD | tr -d '\\n'", work, work), 0);
	snprintf(path, sizeof path, "%s/.git", work);
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, path), 0);
	assert_int_equal(git_oid_fromstr(commit, head), 0);
	return repo;
}

/* In a large folder, the entries both commits have byte for byte are skipped at once, and every one that
 * differs is still found: changed first, in the middle and last, removed, added, a file become a folder, in a
 * subfolder. The pack holds what git itself counts as new. */
static void test_pack_of_large_folder_holds_each_change(void **state)
{
	(void)state;
	git_oid first, commit;
	git_repository *repo = large_folder(&first, "large-pack");
	char head[64], out[4096], counted[64];
	assert_int_equal(sh(head, sizeof head,
				 "cd %s/large-pack && echo one > big/f100 && echo two > big/f400 && echo three > big/x && "
				 "rm big/f500 && echo four > big/f450x && echo five > big/a/f && rm big/f600 && mkdir big/f600 && "
				 "echo six > big/f600/g && " GIT "add -A && " GIT "commit -qm changes && " GIT
				 "rev-parse HEAD | tr -d '\\n'", dir), 0);
	assert_int_equal(git_oid_fromstr(&commit, head), 0);
	size_t objects = 0;
	pack_counts(out, sizeof out, &objects, repo, &commit);
	/* the commit; the root, big, big/a and big/f600 trees; f100, f400, x, f450x, a/f and f600/g */
	assert_string_equal(out, " 6 blob; 1 commit; 4 tree;");
	assert_int_equal(sh(counted, sizeof counted, "cd %s/large-pack && " GIT "rev-list --objects HEAD ^HEAD~1 | wc -l",
				 dir), 0);
	assert_int_equal(objects, (size_t)atoi(counted));
	git_repository_free(repo);
}

/* Files are found in a large folder by their stored entries, at the first lookup (a walk) and the next ones
 * (a binary search), and what is not a file there is said as libgit2 finds it. */
static void test_read_in_large_folder(void **state)
{
	(void)state;
	git_oid commit;
	git_repository *repo = large_folder(&commit, "large-read");
	static const char *const files[][2] = { { "big/a/f", "in-a\n" }, { "big/a-b/g", "in-a-b\n" },
		{ "big/a.b", "a.b\n" }, { "big/a0", "a0\n" }, { "big/f100", "100\n" }, { "big/f699", "699\n" },
		{ "big/x", "x\n" } };
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
			promote_buf buf = PROMOTE_BUF_INIT;
			assert_int_equal(promote__git_read(&buf, repo, &commit, files[i][0], 1024), 0);
			assert_string_equal(buf.ptr, files[i][1]);
			promote_buf_dispose(&buf);
		}
	}
	promote_buf buf = PROMOTE_BUF_INIT;
	assert_int_equal(promote__git_read(&buf, repo, &commit, "big/a", 1024), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "'big/a' is a folder at commit"));
	assert_int_equal(promote__git_read(&buf, repo, &commit, "big/x/y", 1024), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "has no file 'big/x/y'"));
	assert_int_equal(promote__git_read(&buf, repo, &commit, "big/f700", 1024), PROMOTE_ENOTFOUND);
	assert_int_equal(promote__git_read(&buf, repo, &commit, "big//a0", 1024), PROMOTE_ENOTFOUND);
	assert_null(buf.ptr);
	git_repository_free(repo);
}

/* The entries of a kept tree as libgit2 reads them: by a walk at the first lookup, by a binary search from
 * the second on, whether the name is a file's or a folder's. */
static void test_tree_lookup_in_kept_tree(void **state)
{
	(void)state;
	git_oid commit;
	git_repository *repo = large_folder(&commit, "large-lookup");
	git_odb *odb;
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	git_commit *c;
	git_tree *root, *big;
	assert_int_equal(git_commit_lookup(&c, repo, &commit), 0);
	assert_int_equal(git_commit_tree(&root, c), 0);
	assert_int_equal(git_tree_lookup(&big, repo, git_tree_entry_id(git_tree_entry_byname(root, "big"))), 0);
	static const char *const names[] = { "a", "a-b", "a.b", "a0", "f100", "f417", "f699", "x" };
	for (int round = 0; round < 3; round++) {
		promote__git_raw raw;
		assert_int_equal(promote__git_tree_read(&raw, odb, git_tree_id(big), false), 0);
		assert_non_null(raw.holder); /* kept: over 4 KiB */
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			const git_tree_entry *want = git_tree_entry_byname(big, names[i]);
			promote__git_tree_entry_raw e;
			assert_true(promote__git_tree_lookup(&e, &raw, names[i], strlen(names[i])));
			assert_int_equal(e.mode, git_tree_entry_filemode_raw(want));
			assert_memory_equal(e.id, git_tree_entry_id(want)->id, GIT_OID_RAWSZ);
		}
		promote__git_tree_entry_raw e;
		assert_false(promote__git_tree_lookup(&e, &raw, "a/", 2));
		assert_false(promote__git_tree_lookup(&e, &raw, "f7", 2));
		assert_false(promote__git_tree_lookup(&e, &raw, "", 0));
		promote__git_raw_dispose(&raw);
	}
	git_tree_free(big);
	git_tree_free(root);
	git_commit_free(c);
	git_odb_free(odb);
	git_repository_free(repo);
}

/* A large folder patched: the tree the builder writes, stored where git itself reads it. */
static void test_tree_patch_of_large_folder(void **state)
{
	(void)state;
	char out[256];
	git_oid commit, blob, patched, built;
	git_repository *repo = large_folder(&commit, "large-patch");
	git_commit *c;
	git_tree *tree;
	assert_int_equal(git_commit_lookup(&c, repo, &commit), 0);
	assert_int_equal(git_commit_tree(&tree, c), 0);
	assert_int_equal(git_blob_create_from_buffer(&blob, repo, "new\n", 4), 0);
	promote__tree_patch patch = { "big/f400", blob, GIT_FILEMODE_BLOB };
	git_tree_update update = { GIT_TREE_UPDATE_UPSERT, blob, GIT_FILEMODE_BLOB, "big/f400" };
	bool applicable = false;
	assert_int_equal(promote__git_tree_patch(&patched, &applicable, repo, git_tree_id(tree), &patch, 1, NULL), 0);
	assert_true(applicable);
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, &patched);
	/* git reads the new folder from the object database before libgit2's builder writes it again */
	assert_int_equal(sh(out, sizeof out, "cd %s/large-patch && " GIT "cat-file -p %s:big/f400 && " GIT
				 "ls-tree %s:big | wc -l", dir, hex, hex), 0);
	assert_string_equal(out, "new\n605");
	/* a valid object, read-only as git's own, which libgit2 reads too */
	char big_hex[64];
	assert_int_equal(sh(big_hex, sizeof big_hex, "cd %s/large-patch && " GIT "rev-parse %s:big | tr -d '\\n'", dir,
				 hex), 0);
	assert_int_equal(sh(out, sizeof out, "cd %s/large-patch && " GIT "fsck --strict --no-dangling && stat -c %%a "
				 ".git/objects/%.2s/%s", dir, big_hex, big_hex + 2), 0);
	assert_string_equal(out, "444");
	git_tree *root, *big;
	assert_int_equal(git_tree_lookup(&root, repo, &patched), 0);
	assert_int_equal(git_tree_lookup(&big, repo, git_tree_entry_id(git_tree_entry_byname(root, "big"))), 0);
	assert_int_equal(git_tree_entrycount(big), 605);
	git_tree_free(big);
	git_tree_free(root);
	assert_int_equal(git_tree_create_updated(&built, repo, tree, 1, &update), 0);
	assert_true(git_oid_equal(&patched, &built));
	git_tree_free(tree);
	git_commit_free(c);
	git_repository_free(repo);
}

/* An object written stored in its zlib stream, larger than the buffer it is written through: git reads
 * it, checks its id, and finds it read-only. */
static void test_stored_object_git_reads(void **state)
{
	(void)state;
	git_oid commit, id;
	git_repository *repo = large_folder(&commit, "large-stored");
	size_t size = 200000;
	char *data = malloc(size);
	assert_non_null(data);
	for (size_t i = 0; i < size; i++)
		data[i] = (char)('a' + (i * 7 + i / 13) % 26);
	assert_int_equal(git_odb_hash(&id, data, size, GIT_OBJECT_BLOB), 0);
	assert_int_equal(promote__git_loose_write(repo, &id, GIT_OBJECT_BLOB, data, size, true), 0);
	char hex[GIT_OID_HEXSZ + 1], out[256];
	git_oid_tostr(hex, sizeof hex, &id);
	assert_int_equal(sh(out, sizeof out, "cd %s/large-stored && " GIT "cat-file -s %s && " GIT
				 "cat-file -p %s | cut -c1-8 | head -1 && " GIT "fsck --strict --no-dangling --full && stat -c %%a "
				 ".git/objects/%.2s/%s", dir, hex, hex, hex, hex + 2), 0);
	assert_string_equal(out, "200000\nahovcjqx\n444");
	free(data);
	git_repository_free(repo);
}

/* A tree of `count` entries (names "app-NNNNN", each a file whose id is its number's bytes), in git's order. */
static unsigned char *tree_of(size_t *size, size_t count)
{
	unsigned char *tree = malloc(count * 40);
	assert_non_null(tree);
	size_t at = 0;
	for (size_t i = 0; i < count; i++) {
		at += (size_t)sprintf((char *)tree + at, "100644 app-%05zu", i) + 1;
		for (size_t b = 0; b < 20; b++)
			tree[at++] = (unsigned char)(i >> (b % 4 * 8));
	}
	*size = at;
	return tree;
}

/* A large tree stored in its zlib stream is read back in one pass, exactly (and through the tree cache
 * from a known objects folder); one deflated, one damaged or one absent is left to libgit2. */
static void test_stored_tree_read_in_one_pass(void **state)
{
	(void)state;
	git_oid commit, stored, deflated, absent;
	git_repository *repo = large_folder(&commit, "stored-read");
	size_t size;
	unsigned char *tree = tree_of(&size, 5000); /* 135 KB: three of zlib's stored blocks and more */
	assert_int_equal(git_odb_hash(&stored, tree, size, GIT_OBJECT_TREE), 0);
	assert_int_equal(promote__git_loose_write(repo, &stored, GIT_OBJECT_TREE, tree, size, true), 0);
	char objects[300];
	snprintf(objects, sizeof objects, "%s/stored-read/.git/objects/", dir);
	unsigned char *data = NULL;
	size_t got = 0;
	git_object_t type = GIT_OBJECT_INVALID;
	assert_int_equal(promote__git_loose_read_stored(&data, &got, &type, objects, &stored), 0);
	assert_int_equal(type, GIT_OBJECT_TREE);
	assert_int_equal(got, size);
	assert_memory_equal(data, tree, size);
	free(data);
	/* through the cache, from a folder a session made known: there only (moved out of the repository's),
	 * where libgit2 would not find it */
	char hex[GIT_OID_HEXSZ + 1], elsewhere[300];
	git_oid_tostr(hex, sizeof hex, &stored);
	snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere/objects/", dir);
	assert_int_equal(sh(NULL, 0, "mkdir -p %s%.2s && mv %s%.2s/%s %s%.2s/", elsewhere, hex, objects, hex, hex + 2,
		    elsewhere, hex), 0);
	promote__git_tree_cache_clear();
	promote__git_tree_cache_objects_at(objects);
	promote__git_tree_cache_objects_at(elsewhere);
	git_odb *odb;
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_false(git_odb_exists(odb, &stored));
	promote__git_raw raw;
	assert_int_equal(promote__git_tree_read(&raw, odb, &stored, false), 0);
	assert_int_equal(raw.size, size);
	assert_memory_equal(raw.data, tree, size);
	promote__git_raw_dispose(&raw);
	/* a folder whose file of that id holds other bytes (another valid stored tree) is not believed */
	size_t other_size;
	unsigned char *other = tree_of(&other_size, 4000);
	git_oid other_id;
	assert_int_equal(git_odb_hash(&other_id, other, other_size, GIT_OBJECT_TREE), 0);
	assert_int_equal(promote__git_loose_write(repo, &other_id, GIT_OBJECT_TREE, other, other_size, true), 0);
	char other_hex[GIT_OID_HEXSZ + 1], forged[300];
	git_oid_tostr(other_hex, sizeof other_hex, &other_id);
	snprintf(forged, sizeof forged, "%s/forged/objects/", dir);
	assert_int_equal(sh(NULL, 0, "mkdir -p %s%.2s && cp %s%.2s/%s %s%.2s/%s", forged, hex, objects, other_hex,
		    other_hex + 2, forged, hex, hex + 2), 0);
	promote__git_tree_cache_objects_at(forged);
	assert_int_equal(sh(NULL, 0, "mv %s%.2s/%s %s/kept-aside", elsewhere, hex, hex + 2, dir), 0);
	promote__git_tree_cache_clear();
	assert_true(promote__git_tree_read(&raw, odb, &stored, false) < 0); /* only the forged file is there */
	free(other);
	assert_int_equal(sh(NULL, 0, "mv %s/kept-aside %s%.2s/%s", dir, objects, hex, hex + 2), 0);
	/* deflated: libgit2's to read */
	tree[size - 1] ^= 1;
	assert_int_equal(git_odb_hash(&deflated, tree, size, GIT_OBJECT_TREE), 0);
	assert_int_equal(promote__git_loose_write(repo, &deflated, GIT_OBJECT_TREE, tree, size, false), 0);
	assert_int_equal(promote__git_loose_read_stored(&data, &got, &type, objects, &deflated), GIT_PASSTHROUGH);
	assert_null(data);
	/* absent */
	assert_int_equal(git_oid_fromstr(&absent, "1234567890123456789012345678901234567890"), 0);
	assert_int_equal(promote__git_loose_read_stored(&data, &got, &type, objects, &absent), GIT_ENOTFOUND);
	/* smaller than the trees promote stores: not read here, even stored (its size alone is looked at) */
	size_t small_size;
	unsigned char *small = tree_of(&small_size, 100);
	git_oid small_id;
	assert_int_equal(git_odb_hash(&small_id, small, small_size, GIT_OBJECT_TREE), 0);
	assert_int_equal(promote__git_loose_write(repo, &small_id, GIT_OBJECT_TREE, small, small_size, true), 0);
	assert_int_equal(promote__git_loose_read_stored(&data, &got, &type, objects, &small_id), GIT_PASSTHROUGH);
	assert_null(data);
	assert_int_equal(promote__git_tree_read(&raw, odb, &small_id, false), 0);
	assert_int_equal(raw.size, small_size);
	assert_memory_equal(raw.data, small, small_size);
	promote__git_raw_dispose(&raw);
	free(small);
	/* one byte of the stored one damaged: its Adler-32 no longer checks, and libgit2 says so */
	assert_int_equal(sh(NULL, 0, "cd %s && f=%.2s/%s && chmod u+w $f && printf 'X' | dd of=$f bs=1 seek=70000 "
		    "conv=notrunc 2>/dev/null", objects, hex, hex + 2), 0);
	assert_int_equal(promote__git_loose_read_stored(&data, &got, &type, objects, &stored), GIT_PASSTHROUGH);
	promote__git_tree_cache_clear();
	assert_true(promote__git_tree_read(&raw, odb, &stored, false) < 0);
	git_odb_free(odb);
	free(tree);
	git_repository_free(repo);
}

/* A blob and a commit written by promote's writer (zlib's state sized to them) are what git reads and
 * checks; writing one the repository has gives its id again and freshens it, as libgit2 does. */
static void test_small_objects_git_reads(void **state)
{
	(void)state;
	git_oid commit, blob, again, made;
	git_repository *repo = large_folder(&commit, "small-objects");
	const char *text = "image:\n  tag: \"1.2.3\" # kept\n";
	assert_int_equal(promote__git_blob_write(&blob, repo, text, strlen(text)), 0);
	char hex[GIT_OID_HEXSZ + 1], made_hex[GIT_OID_HEXSZ + 1], out[512], path[400];
	git_oid_tostr(hex, sizeof hex, &blob);
	snprintf(path, sizeof path, "%s/small-objects/.git/objects/%.2s/%s", dir, hex, hex + 2);
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	assert_int_equal(promote__git_blob_write(&again, repo, text, strlen(text)), 0);
	assert_true(git_oid_equal(&blob, &again));
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_mtime > 1000000000);
	git_commit *parent;
	git_tree *tree;
	git_signature *who;
	assert_int_equal(git_commit_lookup(&parent, repo, &commit), 0);
	assert_int_equal(git_commit_tree(&tree, parent), 0);
	assert_int_equal(git_signature_new(&who, "T", "t@example.com", 1700000000, 0), 0);
	const git_commit *parents[1] = { parent };
	assert_int_equal(promote__git_commit_write(&made, repo, who, who, "written\n", tree, 1, parents), 0);
	git_oid_tostr(made_hex, sizeof made_hex, &made);
	assert_int_equal(sh(out, sizeof out, "cd %s/small-objects && " GIT "cat-file -p %s && " GIT
				 "log --format=%%s -1 %s && " GIT "fsck --strict --no-dangling --full", dir, hex, made_hex), 0);
	assert_string_equal(out, "image:\n  tag: \"1.2.3\" # kept\nwritten");
	git_signature_free(who);
	git_tree_free(tree);
	git_commit_free(parent);
	git_repository_free(repo);
}

/* Files given new content are written into their trees in place: the very trees the tree builder writes. */
static void test_tree_patch_writes_what_the_builder_writes(void **state)
{
	(void)state;
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, bare), 0);
	git_oid main;
	assert_int_equal(promote__git_branch_tip(&main, repo, "main"), 0);
	git_commit *commit;
	git_tree *tree;
	assert_int_equal(git_commit_lookup(&commit, repo, &main), 0);
	assert_int_equal(git_commit_tree(&tree, commit), 0);
	git_oid dev, prod, readme;
	assert_int_equal(git_blob_create_from_buffer(&dev, repo, "dev: 2\n", 7), 0);
	assert_int_equal(git_blob_create_from_buffer(&prod, repo, "prod: 2\n", 8), 0);
	assert_int_equal(git_blob_create_from_buffer(&readme, repo, "read me\n", 8), 0);
	promote__tree_patch patches[] = {
		{ "envs/prod/values.yaml", prod, GIT_FILEMODE_BLOB },
		{ "README", readme, GIT_FILEMODE_BLOB },
		{ "envs/dev/values.yaml", dev, GIT_FILEMODE_BLOB },
	};
	git_tree_update updates[3];
	for (size_t i = 0; i < 3; i++)
		updates[i] = (git_tree_update){ GIT_TREE_UPDATE_UPSERT, patches[i].id, patches[i].mode, patches[i].path };
	/* one file, then files in several folders and at the top */
	for (size_t count = 1; count <= 3; count++) {
		git_oid patched, built;
		bool applicable = false;
		assert_int_equal(promote__git_tree_patch(&patched, &applicable, repo, git_tree_id(tree), patches, count, NULL), 0);
		assert_true(applicable);
		assert_int_equal(git_tree_create_updated(&built, repo, tree, count, updates), 0);
		assert_true(git_oid_equal(&patched, &built));
	}
	/* anything but a replacement is left to the builder, and nothing is written */
	promote__tree_patch other[][2] = {
		{ { "envs/qa/values.yaml", dev, GIT_FILEMODE_BLOB }, { "README", readme, GIT_FILEMODE_BLOB } },
		{ { "envs/dev/values.yaml", dev, GIT_FILEMODE_BLOB_EXECUTABLE }, { "README", readme, GIT_FILEMODE_BLOB } },
		{ { "envs/dev", dev, GIT_FILEMODE_BLOB }, { "README", readme, GIT_FILEMODE_BLOB } },
		{ { "README/x", dev, GIT_FILEMODE_BLOB }, { "README", readme, GIT_FILEMODE_BLOB } },
		{ { "README", dev, GIT_FILEMODE_BLOB }, { "README", readme, GIT_FILEMODE_BLOB } },
		{ { "envs//dev/values.yaml", dev, GIT_FILEMODE_BLOB }, { "README", readme, GIT_FILEMODE_BLOB } },
	};
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		git_oid patched;
		bool applicable = true;
		assert_int_equal(promote__git_tree_patch(&patched, &applicable, repo, git_tree_id(tree), other[i], 2, NULL), 0);
		assert_false(applicable);
	}
	git_tree_free(tree);
	git_commit_free(commit);
	git_repository_free(repo);
}

static void test_commit_and_move_branch(void **state)
{
	(void)state;
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, bare), 0);
	git_oid main, commit;
	assert_int_equal(promote__git_branch_tip(&main, repo, "main"), 0);
	const char *prod = "image:\n  tag: \"1.2.0\" # prod\n";
	promote__git_edit edits[] = {
		{ "envs/prod/values.yaml", prod, strlen(prod), false, 0 },
		{ "envs/prod/new/config.yaml", "a: 1\n", 5, false, 0 },
		{ "README", NULL, 0, true, 0 },
		{ "not/there", NULL, 0, true, 0 },
	};
	promote__git_commit_info info = { "Promoter", "promote@example.com", 1700000000,
		"Promote shop 1.2.0 to prod\n\nPromote-Release: r1\nPromote-Environment: prod\n", NULL, NULL };
	bool created;
	assert_int_equal(promote__git_commit(&commit, &created, repo, &main, edits, 4, &info, NULL), 0);
	assert_true(created);
	assert_int_equal(promote__git_update_branch(repo, "main", &commit, &main, "promote"), 0);

	/* git itself sees exactly that commit. */
	char out[1024];
	assert_int_equal(sh(out, sizeof out, "git -C %s show main:envs/prod/values.yaml", bare), 0);
	assert_string_equal(out, "image:\n  tag: \"1.2.0\" # prod");
	assert_int_equal(sh(out, sizeof out, "git -C %s diff --name-status main~1 main", bare), 0);
	assert_string_equal(out, "D\tREADME\nA\tenvs/prod/new/config.yaml\nM\tenvs/prod/values.yaml");
	assert_int_equal(sh(out, sizeof out, "git -C %s log -1 --format='%%an <%%ae> %%at%%n%%B' main", bare), 0);
	assert_string_equal(out, "Promoter <promote@example.com> 1700000000\nPromote shop 1.2.0 to prod\n\n"
				 "Promote-Release: r1\nPromote-Environment: prod");
	assert_int_equal(sh(out, sizeof out, "git -C %s fsck --strict 2>&1 && echo ok", bare), 0);
	assert_true(strstr(out, "ok") != NULL);

	/* The same edits again change nothing: no commit. */
	git_oid again;
	assert_int_equal(promote__git_commit(&again, &created, repo, &commit, edits, 2, &info, NULL), 0);
	assert_false(created);
	assert_true(git_oid_equal(&again, &commit));

	/* A branch that moved meanwhile is not overwritten. */
	assert_int_equal(promote__git_update_branch(repo, "main", &main, &main, "stale"), PROMOTE_ECONFLICT);
	assert_non_null(strstr(promote_error_last()->message, "moved while the change was prepared"));
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --count main", bare), 0);
	assert_string_equal(out, "2");
	/* A new branch: only if it does not exist yet. */
	assert_int_equal(promote__git_update_branch(repo, "promote/r1/prod", &commit, NULL, "promote"), 0);
	assert_int_equal(promote__git_update_branch(repo, "promote/r1/prod", &main, NULL, "promote"), PROMOTE_ECONFLICT);
	git_repository_free(repo);
}

static void test_checked_out_branch_is_not_moved(void **state)
{
	(void)state;
	char work[256];
	snprintf(work, sizeof work, "%s/work", dir);
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, work), 0);
	git_oid main, commit;
	assert_int_equal(promote__git_branch_tip(&main, repo, "main"), 0);
	promote__git_edit edit = { "envs/dev/values.yaml", "x: 1\n", 5, false, 0 };
	promote__git_commit_info info = { "P", "p@example.com", 0, "change\n", NULL, NULL };
	bool created;
	assert_int_equal(promote__git_commit(&commit, &created, repo, &main, &edit, 1, &info, NULL), 0);
	assert_true(created);
	assert_int_equal(promote__git_update_branch(repo, "main", &commit, &main, "promote"), PROMOTE_ESTATE);
	assert_non_null(strstr(promote_error_last()->message, "is checked out in the work tree"));
	/* Another branch of the same repository is fine. */
	assert_int_equal(promote__git_update_branch(repo, "staging", &commit, NULL, "promote"), 0);
	char out[256];
	assert_int_equal(sh(out, sizeof out, "git -C %s status --porcelain && git -C %s rev-parse main",
				 work, work), 0);
	char expected[64];
	git_oid_tostr(expected, sizeof expected, &main);
	assert_string_equal(out, expected); /* work tree clean, main untouched */
	git_repository_free(repo);
}

/* The commit `rev` of `repo_dir` (git rev-parse). */
static git_oid rev_of(const char *repo_dir, const char *rev)
{
	char out[128];
	git_oid id;
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-parse %s", repo_dir, rev), 0);
	assert_int_equal(git_oid_fromstr(&id, out), 0);
	return id;
}

/* A search by trailers walks the first-parent line down to `stop` (checked itself) and no further: a commit
 * below the tip a release was created at cannot be the release's. */
static void test_trailer_search_stops_at_base(void **state)
{
	(void)state;
	char work[256];
	snprintf(work, sizeof work, "%s/trailers", dir);
	/* made (r9, dev) <- other <- tip */
	assert_int_equal(sh(NULL, 0, "git init -q -b main %s && cd %s && "
		    GIT "commit -q --allow-empty -m 'Promote shop to dev' -m 'Promote-Release: r9\nPromote-Environment: dev' && "
		    GIT "commit -q --allow-empty -m other && " GIT "commit -q --allow-empty -m tip", work, work), 0);
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, work), 0);
	git_oid tip = rev_of(work, "main"), other = rev_of(work, "main~1"), made = rev_of(work, "main~2"), found;
	const char *lines[] = { "Promote-Release: r9", "Promote-Environment: dev" };
	assert_int_equal(promote__git_find_by_trailers(&found, repo, &tip, lines, 2, 500, NULL), 0);
	assert_true(git_oid_equal(&found, &made));
	/* The commit stopped at is looked at; one below it is not. */
	assert_int_equal(promote__git_find_by_trailers(&found, repo, &tip, lines, 2, 500, &made), 0);
	assert_true(git_oid_equal(&found, &made));
	assert_int_equal(promote__git_find_by_trailers(&found, repo, &tip, lines, 2, 500, &other), PROMOTE_ENOTFOUND);
	assert_int_equal(promote__git_find_by_trailers(&found, repo, &tip, lines, 2, 500, &tip), PROMOTE_ENOTFOUND);
	/* A stop that is not on the line (history rewritten since) bounds nothing; the depth still does. */
	git_oid elsewhere;
	assert_int_equal(git_oid_fromstr(&elsewhere, "1234567890123456789012345678901234567890"), 0);
	assert_int_equal(promote__git_find_by_trailers(&found, repo, &tip, lines, 2, 500, &elsewhere), 0);
	assert_true(git_oid_equal(&found, &made));
	assert_int_equal(promote__git_find_by_trailers(&found, repo, &tip, lines, 2, 2, &elsewhere), PROMOTE_ENOTFOUND);
	git_repository_free(repo);
}

/* A mirror's loose refs are packed once there are `at_least` of them (lock files are no refs); every ref
 * still reads the same, with git too; the folders they leave empty are removed, save refs/NAME/. */
static void test_many_loose_refs_are_packed(void **state)
{
	(void)state;
	char work[256], out[256];
	snprintf(work, sizeof work, "%s/many-refs.git", dir);
	/* 90 release records and 9 leases (a folder each), and 5 lock files (of refs being created: one in a
	 * folder of its own), loose */
	assert_int_equal(sh(NULL, 0, "git clone -q --bare %s %s && cd %s && tip=$(git rev-parse main) && "
		    "mkdir -p refs/promote/releases && for i in $(seq 1 90); do echo $tip > refs/promote/releases/r$i; done && "
		    "for i in $(seq 1 9); do mkdir -p refs/promote/leases/app-$i && "
		    "echo $tip > refs/promote/leases/app-$i/staging; done && "
		    "for i in 1 2 3 4; do echo $tip > refs/promote/releases/gone$i.lock; done && "
		    "mkdir refs/promote/leases/app-busy && echo $tip > refs/promote/leases/app-busy/prod.lock", bare, work,
		    work), 0);
	git_repository *repo;
	assert_int_equal(promote__git_open(&repo, work), 0);
	/* 99 loose (the clone packed main's): too few, as the mirror asks before it packs */
	assert_false(promote__git_refs_loose_many(work, 100));
	assert_int_equal(sh(out, sizeof out, "find %s/refs -type f ! -name '*.lock' | wc -l", work), 0);
	assert_string_equal(out, "99");
	assert_int_equal(sh(NULL, 0, "cd %s && git rev-parse main > refs/promote/releases/r100", work), 0);
	char before[128]; /* every ref and its value, summed up */
	assert_int_equal(sh(before, sizeof before, "git -C %s for-each-ref | md5sum", work), 0);
	assert_true(promote__git_refs_loose_many(work, 100));
	assert_true(promote__git_refs_pack(repo));
	assert_int_equal(sh(out, sizeof out, "find %s/refs -type f ! -name '*.lock' | wc -l", work), 0);
	assert_string_equal(out, "0");
	char after[128];
	assert_int_equal(sh(after, sizeof after, "git -C %s for-each-ref | md5sum", work), 0);
	assert_string_equal(after, before);
	assert_int_equal(sh(out, sizeof out, "grep -c refs/promote/ %s/packed-refs", work), 0);
	assert_string_equal(out, "100");
	/* the leases' folders went, with nothing in them; the one holding a lock file stays, and so do
	 * refs/heads and refs/tags */
	assert_int_equal(sh(out, sizeof out, "cd %s/refs && find . -type d | sort | tr '\\n' ' '", work), 0);
	assert_string_equal(out, ". ./heads ./promote ./promote/leases ./promote/leases/app-busy ./promote/releases ./tags ");
	assert_int_equal(sh(out, sizeof out, "git -C %s fsck --strict --no-dangling 2>&1 && echo ok", work), 0);
	assert_string_equal(out, "ok");
	git_oid tip;
	assert_int_equal(promote__git_branch_tip(&tip, repo, "main"), 0);
	assert_false(promote__git_refs_loose_many(work, 100)); /* none loose now */
	git_repository_free(repo);
}

/* What the mirror's fetch would say, asked of `mirror` against the server `server` over a fresh connection. */
static bool fetch_changes_nothing(git_repository *mirror, const char *server)
{
	char *specs[] = { "+refs/heads/*:refs/heads/*", "+refs/promote/releases/*:refs/promote/releases/*",
		"+refs/promote/holds:refs/promote/holds" };
	git_strarray list = { specs, 3 };
	git_remote *remote;
	assert_int_equal(git_remote_create_anonymous(&remote, mirror, server), 0);
	assert_int_equal(git_remote_connect(remote, GIT_DIRECTION_FETCH, NULL, NULL, NULL), 0);
	bool nothing = promote__git_fetch_changes_nothing(mirror, remote, &list);
	git_remote_free(remote);
	return nothing;
}

/* A fetch is skipped only when it would change nothing under its refspecs: a ref moved, added or removed on
 * the server (pruned from the mirror), or one the mirror has and the server lacks, makes it run; refs
 * outside the refspecs, loose or packed refs alike, do not. */
static void test_fetch_needed_only_when_refs_differ(void **state)
{
	(void)state;
	char server[256], mirror_dir[256];
	snprintf(server, sizeof server, "%s/fetch-server.git", dir);
	snprintf(mirror_dir, sizeof mirror_dir, "%s/fetch-mirror.git", dir);
	assert_int_equal(sh(NULL, 0, "git clone -q --bare %s %s && cd %s && tip=$(git rev-parse main) && "
		    "mkdir -p refs/promote/releases && echo $tip > refs/promote/releases/r1 && git pack-refs --all && "
		    "git update-ref refs/promote/releases/r2 main && git update-ref refs/promote/holds main && "
		    "git clone -q --mirror %s %s", bare, server, server, server, mirror_dir), 0);
	git_repository *mirror;
	assert_int_equal(promote__git_open(&mirror, mirror_dir), 0);
	assert_true(fetch_changes_nothing(mirror, server));
	/* outside the refspecs: a tag on the server, a ref of its own in the mirror */
	assert_int_equal(sh(NULL, 0, "git -C %s tag v1 main && git -C %s update-ref refs/promote/push/x main", server,
			     mirror_dir), 0);
	assert_true(fetch_changes_nothing(mirror, server));
	/* a branch moved on the server */
	assert_int_equal(sh(NULL, 0, "cd %s && git update-ref refs/heads/main $(git commit-tree -p main -m next "
				     "main^{tree})", server), 0);
	assert_false(fetch_changes_nothing(mirror, server));
	assert_int_equal(sh(NULL, 0, "git -C %s fetch -q --prune origin '+refs/*:refs/*'", mirror_dir), 0);
	assert_true(fetch_changes_nothing(mirror, server));
	/* a record added, then one removed (the mirror's is pruned) */
	assert_int_equal(sh(NULL, 0, "git -C %s update-ref refs/promote/releases/r3 main", server), 0);
	assert_false(fetch_changes_nothing(mirror, server));
	assert_int_equal(sh(NULL, 0, "git -C %s fetch -q --prune origin '+refs/*:refs/*' && "
				     "git -C %s update-ref -d refs/promote/releases/r1", mirror_dir, server), 0);
	assert_false(fetch_changes_nothing(mirror, server));
	assert_int_equal(sh(NULL, 0, "git -C %s update-ref -d refs/promote/releases/r1", mirror_dir), 0);
	assert_true(fetch_changes_nothing(mirror, server));
	/* a branch only the mirror has */
	assert_int_equal(sh(NULL, 0, "git -C %s branch stray main", mirror_dir), 0);
	assert_false(fetch_changes_nothing(mirror, server));
	git_repository_free(mirror);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_fetch_needed_only_when_refs_differ),
		cmocka_unit_test(test_pack_holds_what_the_commit_adds),
		cmocka_unit_test(test_pack_pairs_entries_in_gits_order),
		cmocka_unit_test(test_pack_of_large_folder_holds_each_change),
		cmocka_unit_test(test_read_in_large_folder),
		cmocka_unit_test(test_tree_lookup_in_kept_tree),
		cmocka_unit_test(test_tree_patch_of_large_folder),
		cmocka_unit_test(test_stored_object_git_reads),
		cmocka_unit_test(test_stored_tree_read_in_one_pass),
		cmocka_unit_test(test_small_objects_git_reads),
		cmocka_unit_test(test_tree_patch_writes_what_the_builder_writes),
		cmocka_unit_test(test_commit_and_move_branch),
		cmocka_unit_test(test_checked_out_branch_is_not_moved),
		cmocka_unit_test(test_trailer_search_stops_at_base),
		cmocka_unit_test(test_many_loose_refs_are_packed),
	};
	return cmocka_run_group_tests_name("git", tests, setup, teardown);
}
