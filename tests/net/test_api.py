"""The REST/JSON client of the forges and Argo CD (lib/net/api.c), against a scripted server.

Each test queues the server's answers, makes calls through tests/net/api_driver (one client, the
options given), and checks what the calls returned and what the server received. The client's
pauses are recorded by the driver instead of taken, so a test sees the exact wait asked for
(Retry-After, a rate limit's reset, the backoff) without waiting it out.
"""

import email.utils
import json
import os
import re
import subprocess
import time

import pytest

from scriptserver import ScriptServer, self_signed_certificate

DRIVER = os.environ.get("PROMOTE_API_DRIVER")
TOKEN = "ghp_S3cretT0kenValue42"
AUTH = "Authorization: Bearer " + TOKEN

OK, ERROR, ENOTFOUND, EINVALID, ELIMIT = 0, -1, -3, -5, -6
ENET, EAUTH, ECONFLICT, EBUSY, ETIMEOUT, ESTATE = -11, -12, -13, -14, -15, -17
CLASS_NET = 7
TRANSIENT, NOT_READY, PERMANENT = 1, 2, 3
BACKOFF = 100  # ms: the first backoff in these tests


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and k != "PROMOTE_CA_BUNDLE"}
    env["no_proxy"] = "127.0.0.1"
    env.update(extra)
    return env


def run(server_or_url, calls, env=None, **options):
    base = server_or_url if isinstance(server_or_url, str) else server_or_url.url
    opts = {"base_url": base, "auth_header": AUTH, "flavor": "github", "backoff_ms": BACKOFF}
    opts.update(options)
    doc = {"options": {k: v for k, v in opts.items() if v is not None}, "calls": calls}
    r = subprocess.run([DRIVER], input=json.dumps(doc), capture_output=True, text=True, timeout=60,
                       env=env or clean_env())
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    run.trace = out["trace"]
    for line in out["trace"]:
        assert TOKEN not in line, line
    return out["results"], out["waits"]


def get(path="/repos/o/r/pulls"):
    return {"method": "GET", "path": path}


def post(path="/repos/o/r/pulls", body=None):
    return {"method": "POST", "path": path, "body": body if body is not None else {"title": "promote"}}


def failed(result, rc, *words):
    assert result["rc"] == rc, result
    assert result["klass"] == CLASS_NET, result
    for w in words:
        assert w in result["message"], (w, result["message"])
    assert TOKEN not in result["message"]


# --- success: methods, headers, bodies, pagination, keep-alive ---------------------------------------

def test_methods_headers_and_json_bodies():
    with ScriptServer() as s:
        s.answer(200, {"id": 7}, headers={"ETag": 'W/"e1"'})
        s.answer(201, {"number": 3})
        s.answer(200, {"merged": True})
        s.answer(200, {"state": "closed"})
        s.answer(204, "")
        res, waits = run(s.url + "/api/v3/", [get("/repos/o/r"), post(body={"title": "a \"b\" é", "draft": True}),
                                              {"method": "PUT", "path": "repos/o/r/pulls/3/merge", "body": {"sha": "abc"}},
                                              {"method": "PATCH", "path": "/repos/o/r/pulls/3", "body": {"state": "closed"}},
                                              {"method": "DELETE", "path": "/repos/o/r/git/refs/heads/x"}])
    assert [r["rc"] for r in res] == [OK] * 5
    assert res[0]["json"] == {"id": 7} and res[0]["etag"] == 'W/"e1"'
    assert res[1]["status"] == 201 and res[1]["json"] == {"number": 3}
    assert res[4]["status"] == 204 and res[4]["json"] is None
    got = s.requests
    assert [(q["method"], q["path"]) for q in got] == [
        ("GET", "/api/v3/repos/o/r"), ("POST", "/api/v3/repos/o/r/pulls"), ("PUT", "/api/v3/repos/o/r/pulls/3/merge"),
        ("PATCH", "/api/v3/repos/o/r/pulls/3"), ("DELETE", "/api/v3/repos/o/r/git/refs/heads/x")]
    assert json.loads(got[1]["body"]) == {"title": "a \"b\" é", "draft": True}
    assert json.loads(got[2]["body"]) == {"sha": "abc"} and got[4]["body"] == b""
    for q in got:
        assert q["headers"]["authorization"] == "Bearer " + TOKEN
        assert re.fullmatch(r"libpromote/\d+\.\d+\.\d+", q["headers"]["user-agent"])
        assert q["headers"]["accept"] == "application/vnd.github+json"
        assert q["headers"]["x-github-api-version"] == "2022-11-28"
    assert got[1]["headers"]["content-type"] == "application/json" and "content-type" not in got[0]["headers"]
    assert "expect" not in got[1]["headers"]
    assert waits == []


def test_other_flavors_and_their_auth_headers():
    with ScriptServer() as s:
        s.answer(200, {"iid": 1})
        res, _ = run(s.url + "/api/v4", [get("/projects/1/merge_requests")], flavor="gitlab",
                     auth_header="PRIVATE-TOKEN: " + TOKEN)
    assert res[0]["rc"] == OK
    q = s.requests[0]
    assert q["headers"]["private-token"] == TOKEN and "authorization" not in q["headers"]
    assert q["headers"]["accept"] == "application/json" and "x-github-api-version" not in q["headers"]


def test_one_connection_for_several_calls():
    with ScriptServer() as s:
        for i in range(5):
            s.answer(200, {"n": i})
        res, _ = run(s, [get("/a"), {"method": "PATCH", "path": "/b", "body": {}}, get("/c"),
                         {"method": "PUT", "path": "/d"}, {"method": "DELETE", "path": "/e"}])
    assert [r["json"] for r in res] == [{"n": i} for i in range(5)]
    assert [q["connection"] for q in s.requests] == [1, 1, 1, 1, 1]


def test_a_post_goes_on_a_connection_of_its_own():
    """libcurl sends a request again by itself when a kept connection closes without an answer:
    a POST the server read must not be, so it never rides a kept connection."""
    with ScriptServer() as s:
        s.answer(200, {}).drop().answer(200, {"n": 3})
        res, waits = run(s, [get("/a"), post("/b"), get("/c")])
    failed(res[1], ENET, "POST", "not sent again: the server may have acted on it")
    assert [q["method"] for q in s.requests] == ["GET", "POST", "GET"]
    assert s.requests[1]["connection"] != s.requests[0]["connection"] and waits == []
    assert res[2]["json"] == {"n": 3}


def test_pagination_follows_next_on_the_same_host():
    with ScriptServer() as s:
        page2 = s.url + "/api/v3/repos/o/r/pulls?page=2"
        s.answer(200, [{"n": 1}], headers={"Link": '<%s>; rel="next", <%s?page=5>; rel="last"' % (page2, s.url)})
        s.answer(200, [{"n": 2}], headers={"Link": '<%s/x?page=1>; rel="prev", <%s/x?page=1>; rel="first"' % (s.url, s.url)})
        res, _ = run(s.url + "/api/v3", [get("/repos/o/r/pulls")])
        assert res[0]["next"] == page2
        res2, _ = run(s.url + "/api/v3", [get(page2)])
    assert res2[0]["rc"] == OK and res2[0]["json"] == [{"n": 2}] and res2[0]["next"] is None
    assert s.requests[1]["path"] == "/api/v3/repos/o/r/pulls?page=2"


def test_a_path_whose_query_holds_a_url_stays_below_the_base():
    with ScriptServer() as s:
        s.answer(200, {"total_count": 0})
        res, _ = run(s.url + "/api/v3", [get("/search/code?q=http://example.org")])
    assert res[0]["rc"] == OK and s.requests[0]["path"] == "/api/v3/search/code?q=http://example.org"


@pytest.mark.parametrize("link", [
    '<{next}>; rel="next"',
    '<{base}/p?page=1>; rel="first", <{next}>; rel=next',
    '<{next}>; rel="next last"',
    '<{base}/p?page=1>;rel="prev",<{next}>;rel="next"',
])
def test_next_link_forms(link):
    with ScriptServer() as s:
        nxt = s.url + "/p?page=2&per_page=100"
        s.answer(200, [], headers={"Link": link.format(next=nxt, base=s.url)})
        res, _ = run(s, [get("/p")])
    assert res[0]["next"] == nxt


def test_no_next_link():
    with ScriptServer() as s:
        s.answer(200, [], headers={"Link": '<%s/p?page=1>; rel="prev", <%s/p?page=1>; rel="nextish"' % (s.url, s.url)})
        res, _ = run(s, [get("/p")])
    assert res[0]["next"] is None


def test_a_url_on_another_host_is_refused_and_the_token_not_sent():
    with ScriptServer() as s, ScriptServer() as other:
        res, _ = run(s, [get(other.url + "/steal"), get("http://localhost:%d/x" % s.port)])
    failed(res[0], EINVALID, "not on the API's host 127.0.0.1")
    failed(res[1], EINVALID, "not on the API's host")
    assert other.requests == [] and s.requests == []


def test_a_redirect_is_not_followed():
    with ScriptServer() as s, ScriptServer() as elsewhere:
        s.answer(301, {"message": "Moved Permanently", "url": elsewhere.url + "/repositories/9"},
                 headers={"Location": elsewhere.url + "/repositories/9"})
        res, _ = run(s, [get()])
    failed(res[0], ERROR, "HTTP 301: Moved Permanently: redirected to %s/repositories/9, not followed" % elsewhere.url,
           "the token is only sent to 127.0.0.1")
    assert elsewhere.requests == [] and len(s.requests) == 1


def test_a_get_if_changed_since_an_etag():
    with ScriptServer() as s:
        s.answer(200, {"state": "open"}, headers={"ETag": 'W/"v1"'})
        s.answer(304, "", headers={"ETag": 'W/"v1"'})
        s.answer(200, {"state": "closed"}, headers={"ETag": 'W/"v2"'})
        res, _ = run(s, [get("/pulls/1")])
        res += run(s, [{"path": "/pulls/1", "etag": res[0]["etag"]}, {"path": "/pulls/1", "etag": 'W/"v1"'},
                       {"path": "/pulls/1", "etag": 'x"\r\nX-Injected: 1'}])[0]
    assert res[1]["rc"] == OK and res[1]["status"] == 304 and res[1]["json"] is None
    assert res[2]["json"] == {"state": "closed"} and res[2]["etag"] == 'W/"v2"'
    assert res[3]["rc"] == EINVALID and "one line" in res[3]["message"]
    assert "if-none-match" not in s.requests[0]["headers"]
    assert [q["headers"].get("if-none-match") for q in s.requests[1:]] == ['W/"v1"', 'W/"v1"']
    assert len(s.requests) == 3


def test_not_modified_is_success():
    with ScriptServer() as s:
        s.answer(304, "", headers={"ETag": '"e2"'})
        res, _ = run(s, [get()])
    assert res[0]["rc"] == OK and res[0]["status"] == 304 and res[0]["json"] is None and res[0]["etag"] == '"e2"'


# --- retries -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_retried_statuses(status):
    with ScriptServer() as s:
        s.answer(status, {"message": "busy"}).answer(200, {"ok": True})
        res, waits = run(s, [get()])
    assert res[0]["rc"] == OK and res[0]["json"] == {"ok": True}
    assert len(s.requests) == 2
    assert len(waits) == 1 and BACKOFF / 2 <= waits[0] <= BACKOFF


def test_each_attempt_is_traced():
    with ScriptServer() as s:
        s.answer(503, {}, headers={"Retry-After": "2"}).answer(502, {}).answer(200, {})
        res, waits = run(s, [get()])
        url = s.url + "/repos/o/r/pulls"
        assert res[0]["rc"] == OK and run.trace == [
            "GET %s: HTTP 503, attempt 1 of 5; again in 2000 ms" % url,
            "GET %s: HTTP 502, attempt 2 of 5; again in %d ms" % (url, waits[1]),
            "GET %s: HTTP 200, attempt 3 of 5" % url]
    with ScriptServer() as gone:
        url = gone.url
    res, waits = run(url, [get()], max_attempts=2)
    assert len(run.trace) == 2 and run.trace[0].startswith("GET %s/repos/o/r/pulls: " % url)
    assert run.trace[0].endswith(", attempt 1 of 2; again in %d ms" % waits[0])
    assert run.trace[1].endswith("; gave up after 2 attempts, attempt 2 of 2")


@pytest.mark.parametrize("status", [501, 505])
def test_other_5xx_are_not_retried(status):
    with ScriptServer() as s:
        s.answer(status, {"message": "no such thing"})
        res, waits = run(s, [get()])
    failed(res[0], ERROR, "HTTP %d: no such thing" % status)
    assert len(s.requests) == 1 and waits == []


def test_transient_failures_exhaust_the_attempts():
    with ScriptServer() as s:
        for _ in range(3):
            s.answer(503, {"message": "overloaded"})
        res, waits = run(s, [get()], max_attempts=3)
    failed(res[0], ENET, "HTTP 503: overloaded", "gave up after 3 attempts", "try again later")
    assert res[0]["class"] == TRANSIENT and res[0]["status"] == 503
    assert len(s.requests) == 3
    # jittered doubling: half to all of 100 ms, then of 200 ms
    assert len(waits) == 2 and 50 <= waits[0] <= 100 and 100 <= waits[1] <= 200


def test_backoff_is_bounded_by_max_wait():
    with ScriptServer() as s:
        for _ in range(4):
            s.answer(502, "")
        s.answer(200, {})
        res, waits = run(s, [get()], backoff_ms=1500, max_wait_s=2)
    assert res[0]["rc"] == OK and len(waits) == 4 and max(waits) <= 2000


def test_a_dropped_connection_is_retried_for_a_get():
    with ScriptServer() as s:
        s.drop().answer(200, {"ok": 1})
        res, waits = run(s, [get()])
    assert res[0]["rc"] == OK and len(s.requests) == 2 and len(waits) == 1


def test_a_post_the_server_may_have_acted_on_is_not_sent_again():
    with ScriptServer() as s:
        s.drop()
        s.answer(502, {"message": "bad gateway"})
        s.answer(500, {"message": "oops"})
        s.answer(503, {"message": "unavailable"})
        s.answer(504, {"message": "gateway timeout"})
        res, waits = run(s, [post(), post(), post(), post(), post()])
    for r in res:
        failed(r, ENET, "POST", "not sent again: the server may have acted on it")
        assert r["class"] == TRANSIENT
    assert "HTTP 502: bad gateway" in res[1]["message"]
    assert len(s.requests) == 5 and waits == []


def test_a_post_the_server_refused_unprocessed_is_sent_again():
    with ScriptServer() as s:
        s.answer(429, {"message": "slow down"}, headers={"Retry-After": "2"})
        s.answer(503, {"message": "maintenance"}, headers={"Retry-After": "1"})
        s.answer(201, {"number": 9})
        res, waits = run(s, [post()])
    assert res[0]["rc"] == OK and res[0]["json"] == {"number": 9}
    assert waits == [2000, 1000] and len(s.requests) == 3


def test_a_post_that_never_connected_is_sent_again():
    with ScriptServer() as s:
        url = s.url  # then the port is closed: connection refused
    res, waits = run(url, [post()], max_attempts=3)
    failed(res[0], ENET, "POST", "gave up after 3 attempts")
    assert len(waits) == 2


# --- Retry-After and rate limits ---------------------------------------------------------------------

def test_retry_after_in_seconds_and_as_a_date():
    with ScriptServer() as s:
        s.answer(503, "", headers={"Retry-After": "7"})
        s.answer(429, "", headers={"Retry-After": email.utils.formatdate(time.time() + 300, usegmt=True)})
        s.answer(200, {})
        res, waits = run(s, [get()], max_wait_s=600)
    assert res[0]["rc"] == OK
    # (a few seconds of slack: a slow machine, a date's whole seconds)
    assert waits[0] == 7000 and 280000 <= waits[1] <= 301000


def test_an_absurd_retry_after_fails_at_once():
    with ScriptServer() as s:
        s.answer(429, "", headers={"Retry-After": "99999999999999999999"})
        res, waits = run(s, [get()])
    failed(res[0], EBUSY, "HTTP 429: rate limited until", "longer than the 60 s")
    assert waits == []


def test_github_primary_rate_limit_waits_until_the_reset():
    reset = int(time.time()) + 300
    with ScriptServer() as s:
        s.answer(403, {"message": "API rate limit exceeded for user ID 1."},
                 headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset), "X-RateLimit-Limit": "5000"})
        s.answer(200, {"ok": 1})
        res, waits = run(s, [get()], max_wait_s=600)
    assert res[0]["rc"] == OK and len(waits) == 1 and 280000 <= waits[0] <= 301000


def test_github_primary_rate_limit_past_the_longest_wait_fails_at_once():
    reset = int(time.time()) + 3600
    with ScriptServer() as s:
        s.answer(403, {"message": "API rate limit exceeded for user ID 1."},
                 headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
        res, waits = run(s, [get()])
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(reset))
    failed(res[0], EBUSY, "HTTP 403: API rate limit exceeded", "rate limited until " + when,
           "longer than the 60 s this client waits: try again then")
    assert res[0]["class"] == NOT_READY and waits == [] and len(s.requests) == 1


def test_github_403_with_remaining_quota_is_a_permission_error():
    with ScriptServer() as s:
        s.answer(403, {"message": "Resource not accessible by integration"},
                 headers={"X-RateLimit-Remaining": "4999", "X-RateLimit-Reset": str(int(time.time()) + 60)})
        res, waits = run(s, [get()])
    failed(res[0], EAUTH, "Resource not accessible by integration", "the token lacks permission")
    assert res[0]["class"] == PERMANENT and waits == []


def test_github_secondary_rate_limit():
    msg = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}
    with ScriptServer() as s:
        s.answer(403, {"message": "slow"}, headers={"Retry-After": "3"})
        s.answer(403, msg)
        s.answer(200, {})
        res, waits = run(s, [post()])
        assert res[0]["rc"] == OK and waits == [3000, 60000]
        s.answer(403, msg)
        res, waits = run(s, [get()], max_wait_s=30)
    failed(res[0], EBUSY, "secondary rate limit", "in 60 s", "longer than the 30 s")


def test_gitlab_rate_limit_headers():
    reset = int(time.time()) + 300
    with ScriptServer() as s:
        s.answer(429, {"message": "Retry later"}, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": str(reset)})
        s.answer(200, [])
        res, waits = run(s, [get("/projects")], flavor="gitlab", auth_header="PRIVATE-TOKEN: " + TOKEN, max_wait_s=600)
        assert res[0]["rc"] == OK and 280000 <= waits[0] <= 301000
        s.answer(429, {"message": "Retry later"},
                 headers={"RateLimit-Remaining": "0", "RateLimit-Reset": str(reset + 3600)})
        res, waits = run(s, [get("/projects")], flavor="gitlab", auth_header="PRIVATE-TOKEN: " + TOKEN)
    failed(res[0], EBUSY, "HTTP 429: Retry later", "rate limited until")
    assert waits == []


# --- bounds ------------------------------------------------------------------------------------------

def test_the_request_budget():
    with ScriptServer() as s:
        for _ in range(3):
            s.answer(200, {})
        res, _ = run(s, [get(), get(), get(), get()], max_requests=3)
        assert [r["rc"] for r in res[:3]] == [OK] * 3
        failed(res[3], ELIMIT, "budget of 3 requests to 127.0.0.1 is spent", "token's quota")
        assert res[3]["class"] == PERMANENT and len(s.requests) == 3
        # retries spend it too
        s.answer(503, "").answer(503, "").answer(200, {})
        res, _ = run(s, [get()], max_requests=2)
    failed(res[0], ELIMIT, "budget of 2 requests")
    assert len(s.requests) == 5


def test_a_response_over_the_cap():
    with ScriptServer() as s:
        s.answer(200, {"blob": "x" * 5000})
        res, _ = run(s, [get()], max_response=4096)
    failed(res[0], ELIMIT, "GET http://127.0.0.1:%d/repos/o/r/pulls answered with more than 4096 bytes" % s.port)
    assert len(s.requests) == 1


def test_json_nested_too_deep_is_not_json():
    with ScriptServer() as s:
        s.answer(200, "[" * 100 + "]" * 100, headers={"Content-Type": "application/json"})
        res, _ = run(s, [get()])
    failed(res[0], ERROR, "not JSON (at most 64 deep)")


def test_a_2xx_body_that_is_not_json():
    with ScriptServer() as s:
        s.answer(200, "<html>login</html>", headers={"Content-Type": "text/html; charset=utf-8"})
        res, _ = run(s, [get()])
    failed(res[0], ERROR, "HTTP 200 answered with text/html; charset=utf-8, not JSON", "is the base URL the API's")


# --- statuses and the API's own messages -------------------------------------------------------------

def test_status_codes_and_the_apis_messages():
    with ScriptServer() as s:
        s.answer(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        s.answer(403, {"message": "Must have admin rights to Repository."})
        s.answer(404, {"message": "Not Found"})
        s.answer(409, {"message": "Head branch was modified. Review and try the merge again."})
        s.answer(422, {"message": "Validation Failed", "errors": [
            {"resource": "PullRequest", "code": "custom", "message": "A pull request already exists for o:b."},
            {"resource": "Label", "field": "name", "code": "missing_field"}]})
        s.answer(405, {"message": "Pull Request is not mergeable"})
        s.answer(418, "I'm a teapot\n")
        res, waits = run(s, [get(), get(), get(), {"method": "PUT", "path": "/m", "body": {"sha": "a"}},
                             post(), {"method": "PUT", "path": "/m"}, get()])
    failed(res[0], EAUTH, "GET http://127.0.0.1:%d/repos/o/r/pulls: HTTP 401: Bad credentials" % s.port,
           "the token was refused")
    failed(res[1], EAUTH, "HTTP 403: Must have admin rights", "the token lacks permission")
    failed(res[2], ENOTFOUND, "HTTP 404: Not Found", "not visible with this token")
    failed(res[3], ECONFLICT, "PUT", "HTTP 409: Head branch was modified")
    failed(res[4], EINVALID, "HTTP 422: Validation Failed (A pull request already exists for o:b.; "
                             "Label.name: missing_field)")
    failed(res[5], ESTATE, "HTTP 405: Pull Request is not mergeable")
    failed(res[6], ERROR, "HTTP 418: I'm a teapot")
    assert [r["class"] for r in res] == [PERMANENT] * 5 + [NOT_READY, PERMANENT]
    # the reply is filled for the caller to read
    assert res[4]["status"] == 422 and res[4]["json"]["errors"][0]["code"] == "custom"
    assert res[2]["json"] == {"message": "Not Found"}
    assert waits == [] and len(s.requests) == 7


def test_gitlab_gitea_and_argocd_messages():
    with ScriptServer() as s:
        s.answer(400, {"message": {"title": ["can't be blank"]}})
        s.answer(401, {"error": "invalid_token", "error_description": "Token was revoked. You have to re-authorize."})
        s.answer(409, {"message": ["Another open merge request already exists for this source branch: !1"]})
        s.answer(404, {"error": "applications.argoproj.io \"shop\" not found", "code": 5,
                       "message": "applications.argoproj.io \"shop\" not found"})
        res, _ = run(s, [post(), get(), post(), get()], flavor="gitlab", auth_header="PRIVATE-TOKEN: " + TOKEN)
    failed(res[0], EINVALID, 'HTTP 400: {"title":["can\'t be blank"]}')
    failed(res[1], EAUTH, "invalid_token: Token was revoked")
    failed(res[2], ECONFLICT, "Another open merge request already exists")
    failed(res[3], ENOTFOUND, 'applications.argoproj.io "shop" not found')


# --- the token never shows -----------------------------------------------------------------------------

def test_the_token_is_in_no_message(tmp_path):
    """Every error path, with a server that echoes the Authorization header back in its message."""
    reset = str(int(time.time()) + 3600)
    with ScriptServer() as s:
        for status in (400, 401, 403, 404, 405, 409, 422, 418, 501):
            s.answer(status, {}, echo="Authorization")
        s.answer(503, {}, echo="Authorization").answer(503, {}, echo="Authorization")
        s.answer(403, {}, echo="Authorization", headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
        s.answer(502, {}, echo="Authorization")
        s.answer(200, "x" * 3000)
        s.answer(200, "not json " + TOKEN)
        s.drop()
        calls = [get()] * 10 + [get(), post(), get(), get(), post(), get(s.url.replace("127.0.0.1", "localhost") + "/" + TOKEN)]
        res, _ = run(s, calls, max_attempts=2, max_response=2048, max_requests=16)
        with ScriptServer() as gone:
            down = gone.url
        res += run(down, [get()], max_attempts=1)[0]
    messages = [r["message"] for r in res]
    assert all(r["rc"] < 0 for r in res), res
    # 9 refusals, the 503s' last, the rate limit past the wait, the POST's 502
    assert sum("you sent Bearer ***" in m for m in messages) == 12, messages
    for m in messages:
        assert TOKEN not in m, m
    # the budget and the auth header's own shapes
    with ScriptServer() as s:
        s.answer(200, {})
        res, _ = run(s, [get(), get()], max_requests=1, auth_header="PRIVATE-TOKEN: " + TOKEN)
    failed(res[1], ELIMIT, "budget")


def test_a_malformed_auth_header_is_refused_without_showing_it():
    res, _ = run("http://127.0.0.1:9", [get()], auth_header=TOKEN)
    assert res[0]["rc"] == EINVALID and TOKEN not in res[0]["message"]
    assert "Name: value" in res[0]["message"]


# --- TLS ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def test_tls_self_signed_is_refused_by_default(certificate):
    with ScriptServer(tls=certificate) as s:
        res, waits = run(s, [get()])
    failed(res[0], ENET, "https://127.0.0.1:%d" % s.port, "the TLS certificate of 127.0.0.1 is not trusted",
           "PROMOTE_CA_BUNDLE=FILE")
    assert waits == []  # a certificate does not change by waiting


def test_tls_accepted_with_the_ca_bundle(certificate):
    with ScriptServer(tls=certificate) as s:
        s.answer(200, {"tls": True}).answer(200, {"tls": "env"})
        res, _ = run(s, [get()], ca_bundle=certificate[0])
        res2, _ = run(s, [get()], env=clean_env(PROMOTE_CA_BUNDLE=certificate[0]))
    assert res[0]["rc"] == OK and res[0]["json"] == {"tls": True}
    assert res2[0]["rc"] == OK and res2[0]["json"] == {"tls": "env"}


def test_an_unreadable_ca_bundle_is_named(tmp_path):
    missing = str(tmp_path / "no-such.pem")
    res, _ = run("https://127.0.0.1:9", [get()], ca_bundle=missing)
    assert res[0]["rc"] == EINVALID
    assert "the CA bundle '%s' cannot be read: No such file or directory" % missing in res[0]["message"]
    res, _ = run("https://127.0.0.1:9", [get()], env=clean_env(PROMOTE_CA_BUNDLE=missing))
    assert "'%s' ($PROMOTE_CA_BUNDLE) cannot be read" % missing in res[0]["message"]


def test_tls_accepted_when_insecure(certificate):
    with ScriptServer(tls=certificate) as s:
        s.answer(200, {"tls": "unverified"})
        res, _ = run(s, [get()], insecure=1)
    assert res[0]["rc"] == OK and res[0]["json"] == {"tls": "unverified"}


# --- proxies -----------------------------------------------------------------------------------------

def test_proxies_from_the_environment_are_used():
    with ScriptServer() as proxy:
        proxy.answer(200, {"via": "proxy"})
        res, _ = run("http://forge.example.invalid/api/v3", [get("/user")],
                     env=clean_env(http_proxy=proxy.url, no_proxy=""))
    assert res[0]["rc"] == OK and res[0]["json"] == {"via": "proxy"}
    assert proxy.requests[0]["path"] == "http://forge.example.invalid/api/v3/user"
