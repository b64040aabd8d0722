"""What the tests of `promote watch` (the CLI's, the bindings', the daemon example's and the
fleet's) do to a repository: move a product's version in an environment by a commit of its own,
as a CI job that built an image does — cloned, edited, committed and pushed, never through promote.
"""

import pathlib
import re
import tempfile

from gitserver import run_git


def set_version(repository, env, product, version, branch="main", env_path="envs/%s", app_path="apps/%s"):
    """Commit `version` as image.tag of ENV's PRODUCT (a values.yaml with a `tag:` line) in
    `repository` (a path or URL git can push to); returns the new commit's id."""
    with tempfile.TemporaryDirectory(prefix="watch-repo-") as scratch:
        work = pathlib.Path(scratch) / "work"
        run_git("clone", "-q", "-b", branch, str(repository), work)
        values = work / (env_path % env) / (app_path % product) / "values.yaml"
        text = values.read_text()
        changed, count = re.subn(r'(?m)^(\s*tag:\s*)"?[^"\n#]*"?', r'\g<1>"%s"' % version, text, count=1)
        if not count:
            raise AssertionError("%s has no tag: line" % values)
        values.write_text(changed)
        run_git("commit", "-q", "-am", "%s %s in %s" % (product, version, env), cwd=work)
        run_git("push", "-q", "origin", branch, cwd=work)
        return run_git("rev-parse", "HEAD", cwd=work).stdout.strip()
