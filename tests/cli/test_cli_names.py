"""Names and values that could forge a trailer or escape: refused, or kept as git holds them.

Each test runs `promote` on a real bare repository made from the bundled
example, changed through a clone as a user would.
"""

import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import CLI, GIT_ENV, git, position, promote

OK, FAILED, USAGE = 0, 1, 2


def commits(bare, rev="main"):
    return int(git(bare, "rev-list", "--count", rev))


def change(bare, tmp_path, edit, message="change"):
    """Clone `bare`, let `edit(work)` change the work tree, commit everything and push main."""
    work = tmp_path / "work"
    if work.exists():
        shutil.rmtree(work)
    subprocess.run(["git", "clone", "-q", str(bare), str(work)], env=GIT_ENV, check=True)
    edit(work)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", message)
    git(work, "push", "-q", "origin", "HEAD:main")
    return work


# ---- versions and product names ------------------------------------------------


def test_a_version_with_a_line_break_forges_no_trailer(repo):
    r = promote("--repo", repo, "apply", "shop", "--to", "qa", "--version", "1.5.0\nPromote-Environment: prod")
    assert r.code != OK, r
    assert "the version '1.5.0\\nPromote-Environment: prod' holds a line break" in r.err
    assert "one line of 1 to 1024 bytes without control characters" in r.err
    assert commits(repo) == 1


@pytest.mark.parametrize("version, why", [
    ("", "is empty"),
    ("1.5.0\x1b[31m", "holds a control character"),
    ("1" * 1025, "is too long"),
])
def test_an_empty_or_unprintable_version_is_refused(repo, version, why):
    r = promote("--repo", repo, "apply", "cart", "--to", "qa", "--version", version)
    assert r.code != OK, r
    assert "the version '" in r.err and why in r.err, r
    assert commits(repo) == 1
    assert 'tag: ""' not in git(repo, "show", "main:envs/qa/apps/cart/values.yaml")


def test_a_version_read_from_the_source_is_one_line_too(repo, tmp_path):
    def forge(work):
        values = work / "envs/dev/apps/cart/values.yaml"
        values.write_text(values.read_text().replace('tag: "1.4.0"', 'tag: "1.5.0\\nPromote-Environment: prod"'))
    change(repo, tmp_path, forge)
    r = promote("--repo", repo, "apply", "cart", "--to", "qa")
    assert r.code != OK, r
    assert "the version '1.5.0\\nPromote-Environment: prod' at envs/dev/apps/cart/values.yaml#image.tag " \
           "holds a line break" in r.err
    assert commits(repo) == 2


@pytest.mark.parametrize("name, why", [
    ("..", "cannot be part of a git branch name"),
    ("../shop", "holds a '/'"),
    ("apps/shop", "holds a '/'"),
    ("", "is empty"),
    ("*", "cannot be part of a git branch name"),
    ("sh?p", "cannot be part of a git branch name"),
    ("shop\nPromote-Product: cart", "holds a line break"),
])
def test_a_product_name_is_a_name(repo, name, why):
    r = promote("--repo", repo, "plan", name, "--to", "qa")
    assert r.code != OK, r
    assert "product name '" in r.err and "is not valid: it " + why in r.err, r
    assert "has no file" not in r.err and "has no folder" not in r.err


# ---- names in the configuration --------------------------------------------------

BAD_BRANCHES = ["../../HEAD", "a..b", "main.lock", "HEAD", "-main", "with space", "refs/heads/main"]


def test_validate_refuses_branch_names_git_refuses(write):
    text = "version: 1\nenvironments:\n" + "".join(
        "  e%d: {path: envs/e%d, branch: '%s'}\n" % (i, i, b) for i, b in enumerate(BAD_BRANCHES)) + \
        "products:\n  shop: {path: apps/shop, template: {files: ['*.yaml']}}\n"
    config = write(text)
    r = promote("--config", config, "validate")
    assert r.code != OK, r
    for i, branch in enumerate(BAD_BRANCHES):
        line, column = position(text, "'%s'" % branch)
        assert "%s:%d:%d: 'branch' of environment 'e%d' is '%s', which " % (config, line, column, i, branch) \
            in r.err, r
    assert "write the branch's short name, e.g. 'main' for refs/heads/main" in r.err
    assert "promote: %d errors" % len(BAD_BRANCHES) in r.err


def test_validate_refuses_a_repository_branch_git_refuses(write):
    text = """\
        version: 1
        repositories:
          default: {url: ., branch: 'a..b'}
        environments:
          dev: {path: envs/dev}
        products:
          shop: {path: apps/shop, template: {files: ['*.yaml']}}
        """
    config = write(text)
    r = promote("--config", config, "validate")
    assert r.code != OK, r
    line, column = position(config.read_text(), "'a..b'")
    assert ":%d:%d: 'branch' of repository 'default' is 'a..b', which is not a branch name git accepts" % (
        line, column) in r.err, r


def test_validate_refuses_environment_and_product_names_that_would_forge_or_escape(write):
    text = """\
        version: 1
        environments:
          "qa\\nPromote-Environment: prod": {path: envs/qa}
          "q a": {path: envs/q}
          dev: {path: envs/dev}
        products:
          "../shop": {path: apps/shop, template: {files: ['*.yaml']}}
          "*": {path: apps/*, template: {files: ['*.yaml']}}
        """
    config = write(text)
    r = promote("--config", config, "validate")
    assert r.code != OK, r
    assert ":3:3: environment name 'qa\\nPromote-Environment: prod' is not valid: it holds a line break" in r.err
    assert ":4:3: environment name 'q a' is not valid: it cannot be part of a git branch name" in r.err
    assert ":7:3: product name '../shop' is not valid: it holds a '/'" in r.err
    assert "promote: 3 errors" in r.err, r


# ---- files copied whole ------------------------------------------------------------


def test_files_keep_links_and_modes_as_git_holds_them(repo, tmp_path):
    def add(work):
        config = work / "envs/dev/apps/shop/config"
        os.symlink("/etc/passwd", config / "leak.yaml")
        os.symlink("feature-flags.yaml", config / "alias.yaml")
        (config / "hook.yaml").write_text("#!/bin/sh\n")
        (config / "hook.yaml").chmod(0o755)
        (config / "feature-flags.yaml").chmod(0o755)
    change(repo, tmp_path, add)
    plan = promote("--repo", repo, "plan", "shop", "--to", "qa")
    assert plan.code == OK, plan
    assert "diff --git a/envs/qa/apps/shop/config/leak.yaml b/envs/qa/apps/shop/config/leak.yaml\n" \
           "new file mode 120000\n" in plan.out
    assert "diff --git a/envs/qa/apps/shop/config/feature-flags.yaml b/envs/qa/apps/shop/config/feature-flags.yaml\n" \
           "old mode 100644\nnew mode 100755\n" in plan.out
    r = promote("--repo", repo, "apply", "shop", "--to", "qa")
    assert r.code == OK, r
    tree = {line.split("\t")[1]: line.split()[0]
            for line in git(repo, "ls-tree", "-r", "main", "envs/qa/apps/shop/config").splitlines()}
    assert tree == {"envs/qa/apps/shop/config/feature-flags.yaml": "100755",
                    "envs/qa/apps/shop/config/leak.yaml": "120000",
                    "envs/qa/apps/shop/config/alias.yaml": "120000",
                    "envs/qa/apps/shop/config/hook.yaml": "100755"}, tree
    # the link itself, never what it points to
    assert git(repo, "cat-file", "-p", "main:envs/qa/apps/shop/config/leak.yaml") == "/etc/passwd"
    assert git(repo, "cat-file", "-p", "main:envs/qa/apps/shop/config/alias.yaml") == "feature-flags.yaml"
    again = promote("--repo", repo, "apply", "shop", "--to", "qa")
    assert again.code == OK and "nothing to change" in again.out, again


def test_a_mode_change_alone_is_promoted(repo, tmp_path):
    def executable(work):
        (work / "envs/dev/apps/shop/config/feature-flags.yaml").chmod(0o755)
        (work / "envs/qa/apps/shop/config/feature-flags.yaml").write_text(
            (work / "envs/dev/apps/shop/config/feature-flags.yaml").read_text())
    change(repo, tmp_path, executable)
    plan = promote("--repo", repo, "plan", "shop", "--to", "qa")
    assert plan.code == OK, plan
    assert "diff --git a/envs/qa/apps/shop/config/feature-flags.yaml b/envs/qa/apps/shop/config/feature-flags.yaml\n" \
           "old mode 100644\nnew mode 100755\n" in plan.out, plan
    r = promote("--repo", repo, "apply", "shop", "--to", "qa")
    assert r.code == OK, r
    assert git(repo, "ls-tree", "main", "envs/qa/apps/shop/config/feature-flags.yaml").startswith("100755 ")


def test_an_attribute_file_that_is_a_link_is_refused(repo, tmp_path):
    def link(work):
        values = work / "envs/dev/apps/shop/values.yaml"
        values.unlink()
        os.symlink("/etc/passwd", values)
    change(repo, tmp_path, link)
    r = promote("--repo", repo, "plan", "shop", "--to", "qa")
    assert r.code != OK, r
    assert "'envs/dev/apps/shop/values.yaml' on branch main is a symbolic link" in r.err
    assert "links are never followed" in r.err


# ---- branches are refs/heads/ ----------------------------------------------------------


def test_a_tag_named_like_the_branch_is_not_the_branch(repo, tmp_path):
    first = git(repo, "rev-parse", "main").strip()

    def own_branch(work):
        config = work / "promote.yaml"
        config.write_text(config.read_text().replace("  qa:\n    path: envs/qa\n",
                                                     "  qa:\n    path: envs/qa\n    branch: release\n"))
    change(repo, tmp_path, own_branch)
    git(repo, "branch", "release", "main")
    git(repo, "tag", "release", first)  # an older commit, without the branch setting
    r = promote("--repo", repo, "apply", "shop", "--to", "qa")
    assert r.code == OK, r
    assert " on release: shop 1.4.0 to qa" in r.out
    assert git(repo, "rev-parse", "release^{commit}").strip() == first  # the tag: untouched
    assert git(repo, "rev-parse", "refs/heads/release~1").strip() == git(repo, "rev-parse", "main").strip()


# ---- HEAD that cannot be read ----------------------------------------------------------


@pytest.fixture
def clone(repo, tmp_path):
    """A clone of the example without a remote: its HEAD names the branch environments land on."""
    work = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], env=GIT_ENV, check=True)
    git(work, "remote", "remove", "origin")
    return work


def test_a_head_that_cannot_be_read_is_that_error(clone):
    (clone / ".git" / "HEAD").write_text("garbage\n")
    r = promote("--config", clone / "promote.yaml", "plan", "shop", "--to", "qa")
    assert r.code != OK, r
    assert "cannot read the HEAD of '%s/.git/'" % clone in r.err, r
    assert "give environment" not in r.err


def test_an_io_error_reading_head_is_that_error(clone):
    strace = shutil.which("strace")
    assert strace, "strace is needed (.ci/setup installs it)"
    head = pathlib.Path(clone / ".git" / "HEAD").resolve()
    r = subprocess.run([strace, "-f", "-qq", "-o", os.devnull, "-P", str(head), "-e", "inject=openat:error=EIO",
                        CLI, "--config", str(clone / "promote.yaml"),
                        "plan", "shop", "--to", "qa"], capture_output=True, text=True, timeout=60)
    assert r.returncode != OK, r
    assert "'%s': Input/output error" % head in r.stderr, r.stderr
    assert "give environment" not in r.stderr


def test_an_io_error_reading_the_repositorys_head_is_that_error(repo):
    strace = shutil.which("strace")
    assert strace, "strace is needed (.ci/setup installs it)"
    head = pathlib.Path(repo / "HEAD").resolve()
    r = subprocess.run([strace, "-f", "-qq", "-o", os.devnull, "-P", str(head), "-e", "inject=openat:error=EIO",
                        CLI, "--repo", str(repo), "validate"], capture_output=True, text=True, timeout=60)
    assert r.returncode != OK, r
    assert "'%s': Input/output error" % head in r.stderr, r.stderr
    assert "has no 'promote.yaml'" not in r.stderr


# ---- who made the commit ------------------------------------------------------------------


@pytest.mark.parametrize("variable, what", [
    ("PROMOTE_AUTHOR_NAME", "the commit's author name 'Bob\\nPromote-Environment: prod' holds a line break"),
    ("GIT_COMMITTER_NAME", "the commit's committer name 'Bob\\nPromote-Environment: prod' holds a line break"),
    ("GIT_AUTHOR_EMAIL", "the commit's author email 'Bob\\nPromote-Environment: prod' holds a line break"),
])
def test_an_author_with_a_line_break_forges_no_header(repo, variable, what):
    env = dict(os.environ, **{variable: "Bob\nPromote-Environment: prod"})
    r = subprocess.run([CLI, "--repo", str(repo), "apply", "shop", "--to", "qa"], env=env, capture_output=True,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode != OK, r
    assert what in r.stderr, r.stderr
    assert commits(repo) == 1


# ---- long names are never cut in messages --------------------------------------------------


def test_messages_name_long_names_whole(write):
    flow, policy, env = "f" * 300, "p" * 300, "e" * 100
    text = """\
        version: 1
        environments:
          dev: {path: envs/dev}
          %(env)s: {path: envs/e, strategy: sometimes}
        products:
          shop: {path: apps/shop, template: {files: ['*.yaml']}}
        policies:
          - {name: %(policy)s, priority: high, match: {environments: {names: [nowhere]}}}
        flows:
          %(flow)s:
            steps: {%(env)s: {dependsOn: [elsewhere]}}
          other:
            trigger: nowhere
            steps: {dev: {}}
        """ % dict(flow=flow, policy=policy, env=env)
    config = write(text)
    r = promote("--config", config, "validate")
    assert r.code != OK, r
    # the loader's labels
    assert "'strategy' of environment '%s' is 'sometimes'" % env in r.err, r
    assert "'priority' of policy '%s' must be a whole number" % policy in r.err, r
    assert "flow '%s' has no 'trigger'" % flow in r.err, r
    # the validator's labels
    assert "policy '%s' names unknown environment 'nowhere'" % policy in r.err, r
    assert "step '%s' of flow '%s' names unknown environment 'elsewhere'" % (env, flow) in r.err, r
    assert "the trigger of flow 'other' names unknown environment 'nowhere'" in r.err, r


def test_a_cycle_of_long_names_is_named_whole(write):
    a, b, c = "a" * 300, "b" * 300, "c" * 300  # names too long are refused, and still named whole
    text = """\
        version: 1
        environments:
          dev: {path: envs/dev}
          %(a)s: {path: envs/a}
          %(b)s: {path: envs/b}
          %(c)s: {path: envs/c}
        products:
          shop: {path: apps/shop, template: {files: ['*.yaml']}}
        flows:
          default:
            trigger: dev
            steps:
              %(a)s: {dependsOn: [%(c)s]}
              %(b)s: {dependsOn: [%(a)s]}
              %(c)s: {dependsOn: [%(b)s]}
        """ % dict(a=a, b=b, c=c)
    config = write(text)
    r = promote("--config", config, "validate")
    assert r.code != OK, r
    assert "flow 'default' has a cycle: %s → %s → %s → %s; a step cannot wait for itself" % (a, c, b, a) in r.err \
        or "flow 'default' has a cycle: %s → %s → %s → %s;" % (b, a, c, b) in r.err \
        or "flow 'default' has a cycle: %s → %s → %s → %s;" % (c, b, a, c) in r.err, r
