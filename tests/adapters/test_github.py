"""The PyGithub adapter against the loopback GitHub; every request must match the description."""

from __future__ import annotations

import io
import socket
import tarfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.adapters.github_app import PyGitHubApp
from bot.ports import GitHub, GitHubError
from tests.loopback_github import LoopbackGitHub, private_key_pem

REPO = "octo/widgets"
INSTALLATION = 7
FILES = {
    "README.md": "# Widgets\n",
    "src/widgets/save.py": "def save(path):\n    return open(path, 'w')\n",
    "docs/naïve café.md": "Grüße — ünïcödé\n",
}
TOKEN_OP = "POST /app/installations/{installation_id}/access_tokens"
BRANCH = "planbot/issue-7"


@pytest.fixture
def gh() -> Iterator[LoopbackGitHub]:
    with LoopbackGitHub() as server:
        server.add_repo(REPO, FILES, installation_id=INSTALLATION)
        server.add_issue(REPO, 7, "Crash on save", "It crashes.", author="alice",
                         labels=["bug", "plan"])
        yield server
        assert server.errors == []  # every test: all requests valid against the description


@pytest.fixture
def app(gh: LoopbackGitHub) -> Iterator[PyGitHubApp]:
    with PyGitHubApp("42", private_key_pem(), gh.url, polite=False) as github_app:
        yield github_app


@pytest.fixture
def repo(app: PyGitHubApp) -> GitHub:
    return app.client(INSTALLATION, REPO)


# The App
def test_installation_lookup_asks_github_with_the_app_jwt(app: PyGitHubApp,
                                                          gh: LoopbackGitHub) -> None:
    assert app.installation_id(REPO) == INSTALLATION
    assert len(gh.calls("GET /repos/{owner}/{repo}/installation")) == 1


def test_installation_lookup_on_a_repo_without_the_app_is_a_404(app: PyGitHubApp,
                                                                gh: LoopbackGitHub) -> None:
    with pytest.raises(GitHubError) as failure:
        app.installation_id("octo/elsewhere")
    assert failure.value.status == 404


def test_installation_token_is_minted_once_and_reused_by_later_clients(
        app: PyGitHubApp, gh: LoopbackGitHub) -> None:
    first_job = app.client(INSTALLATION, REPO)
    first_job.issue(7)
    second_job = app.client(INSTALLATION, REPO)
    second_job.issue(7)
    second_job.create_comment(7, "still the same token")
    assert [r.path for r in gh.calls(TOKEN_OP)] == [f"/app/installations/{INSTALLATION}"
                                                    "/access_tokens"]


def test_installation_token_is_minted_again_once_it_nears_expiry(
        repo: GitHub, gh: LoopbackGitHub) -> None:
    gh.world.token_lifetime = timedelta(seconds=5)  # inside PyGithub's 20 s refresh margin
    repo.issue(7)
    repo.issue(7)
    assert len(gh.calls(TOKEN_OP)) == 2


def test_each_installation_gets_its_own_token(app: PyGitHubApp, gh: LoopbackGitHub) -> None:
    gh.add_repo("acme/tools", {"a.py": ""}, installation_id=8)
    gh.add_issue("acme/tools", 1, "Other org")
    assert app.client(INSTALLATION, REPO).issue(7).title == "Crash on save"
    assert app.client(8, "acme/tools").issue(1).title == "Other org"
    assert sorted(r.path for r in gh.calls(TOKEN_OP)) == [
        f"/app/installations/{INSTALLATION}/access_tokens", "/app/installations/8/access_tokens"]


# Reads
def test_repository_maps_name_and_default_branch(repo: GitHub) -> None:
    repository = repo.repository()
    assert (repository.full_name, repository.default_branch) == (REPO, "main")
    assert repository.html_url.endswith("/octo/widgets")


def test_issue_maps_author_and_labels(repo: GitHub) -> None:
    issue = repo.issue(7)
    assert (issue.number, issue.title, issue.body, issue.author) == (
        7, "Crash on save", "It crashes.", "alice")
    assert issue.labels == ("bug", "plan")


def test_issue_comments_carry_user_type_and_association(repo: GitHub,
                                                       gh: LoopbackGitHub) -> None:
    gh.add_comment(REPO, 7, "/plan", author="bob", association="MEMBER")
    gh.add_comment(REPO, 7, "/plan", author="ci[bot]", association="NONE", user_type="Bot")
    comments = repo.issue_comments(7)
    assert [(c.author, c.author_type, c.association, c.by_bot) for c in comments] == [
        ("bob", "User", "MEMBER", False), ("ci[bot]", "Bot", "NONE", True)]


LIST_COMMENTS = "GET /repos/{owner}/{repo}/issues/{issue_number}/comments"


def test_issue_comments_follow_github_pagination_100_at_a_time(repo: GitHub,
                                                               gh: LoopbackGitHub) -> None:
    ids = [gh.add_comment(REPO, 7, f"comment {n}") for n in range(250)]
    assert [c.id for c in repo.issue_comments(7)] == ids
    assert [c.query.get("page", "1") for c in gh.calls(LIST_COMMENTS)] == ["1", "2", "3"]
    assert {c.query["per_page"] for c in gh.calls(LIST_COMMENTS)} == {"100"}


def test_issue_comments_are_listed_once_per_run_and_include_its_own_comments(
        repo: GitHub, gh: LoopbackGitHub) -> None:
    gh.add_comment(REPO, 7, "first")
    repo.issue_comments(7)
    made = repo.create_comment(7, "planbot's")
    repo.edit_comment(made.id, "planbot's, edited")
    assert [c.body for c in repo.issue_comments(7)] == ["first", "planbot's, edited"]
    assert len(gh.calls(LIST_COMMENTS)) == 1


def test_a_long_discussion_is_read_from_its_first_page_and_its_newest(
        repo: GitHub, gh: LoopbackGitHub) -> None:
    ids = [gh.add_comment(REPO, 7, f"comment {n}") for n in range(2_000)]
    read = [c.id for c in repo.issue_comments(7)]
    assert read == ids[:100] + ids[-400:]  # the oldest page (planbot's status) + the newest
    assert [c.query.get("page", "1") for c in gh.calls(LIST_COMMENTS)] == [
        "1", "17", "18", "19", "20"]


def test_read_file_decodes_text_at_a_branch_or_a_sha(repo: GitHub, gh: LoopbackGitHub) -> None:
    head = gh.branch_sha(REPO, "main")
    assert head is not None
    gh.push(REPO, "main", {"README.md": "# Widgets v2\n"})
    assert repo.read_file("README.md", "main") == "# Widgets v2\n"
    assert repo.read_file("README.md", head) == "# Widgets\n"
    assert repo.read_file("docs/naïve café.md", "main") == FILES["docs/naïve café.md"]


def test_a_file_read_again_by_a_later_run_is_a_conditional_request(
        app: PyGitHubApp, gh: LoopbackGitHub) -> None:
    first, later = app.client(INSTALLATION, REPO), app.client(INSTALLATION, REPO)
    assert first.read_file("README.md", "main") == "# Widgets\n"
    assert later.read_file("README.md", "main") == "# Widgets\n"  # 304: not rate-limited
    gh.push(REPO, "main", {"README.md": "# Widgets v2\n"})
    assert later.read_file("README.md", "main") == "# Widgets v2\n"
    reads = gh.calls("GET /repos/{owner}/{repo}/contents/{path}")
    assert [r.status for r in reads] == [200, 304, 200]
    assert gh.errors == []


def test_read_file_is_none_for_a_missing_file_or_a_folder(repo: GitHub) -> None:
    assert repo.read_file("src/widgets/load.py", "main") is None
    assert repo.read_file("src/widgets", "main") is None
    assert repo.read_file("README.md", "no-such-branch") is None


def test_tree_is_one_recursive_request_listing_blobs_only(repo: GitHub,
                                                          gh: LoopbackGitHub) -> None:
    tree = repo.tree("main")
    assert tree.commit_sha == gh.branch_sha(REPO, "main")
    assert {e.path for e in tree.entries} == set(FILES)  # no "src" or "docs" folder entries
    assert {e.path: e.size for e in tree.entries}["README.md"] == len(FILES["README.md"])
    [tree_call] = gh.calls("GET /repos/{owner}/{repo}/git/trees/{tree_sha}")
    assert tree_call.query == {"recursive": "1"}
    assert not tree.truncated


def test_tree_of_a_commit_sha_needs_no_ref_lookup(repo: GitHub, gh: LoopbackGitHub) -> None:
    head = gh.branch_sha(REPO, "main")
    assert head is not None
    assert repo.tree(head).commit_sha == head
    assert gh.calls("GET /repos/{owner}/{repo}/git/ref/{ref}") == []


def test_tree_keeps_githubs_truncated_flag(repo: GitHub, gh: LoopbackGitHub) -> None:
    gh.max_tree_entries = 2
    tree = repo.tree("main")
    assert tree.truncated
    assert len(tree.entries) < len(FILES)


def test_archive_follows_the_redirect_to_the_tarball(repo: GitHub, gh: LoopbackGitHub) -> None:
    with tarfile.open(fileobj=io.BytesIO(repo.archive("main")), mode="r:gz") as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames()}
    assert names == set(FILES)
    assert [r.status for r in gh.requests[-2:]] == [302, 200]


def test_branch_sha_is_the_head_or_none(repo: GitHub, gh: LoopbackGitHub) -> None:
    assert repo.branch_sha("main") == gh.branch_sha(REPO, "main")
    assert repo.branch_sha(BRANCH) is None


# Writes: commits
def test_commit_files_writes_every_file_in_one_commit_on_a_new_branch(
        repo: GitHub, gh: LoopbackGitHub) -> None:
    base = gh.branch_sha(REPO, "main")
    assert base is not None
    files = {".plans/issue-7/problem-definition.md": "# Problem Definition\n",
             ".plans/issue-7/tasks.md": "# Tasks\n- [ ] Fix it\n"}
    sha = repo.commit_files(BRANCH, base, files, "planbot: plan for #7")
    assert gh.branch_sha(REPO, BRANCH) == sha
    assert gh.files(REPO, BRANCH) == {**FILES, **files}
    commit = gh.commit(REPO, sha)
    assert (commit.parents, commit.message) == ([base], "planbot: plan for #7")
    assert len(gh.calls("POST /repos/{owner}/{repo}/git/trees")) == 1
    assert len(gh.calls("POST /repos/{owner}/{repo}/git/commits")) == 1
    assert gh.files(REPO, "main") == FILES


def test_rerun_moves_the_same_branch_forward_one_commit_per_call(
        repo: GitHub, gh: LoopbackGitHub) -> None:
    base = gh.branch_sha(REPO, "main")
    assert base is not None
    first = repo.commit_files(BRANCH, base, {".plans/issue-7/tasks.md": "v1"}, "first")
    second = repo.commit_files(BRANCH, first, {".plans/issue-7/tasks.md": "v2"}, "second")
    assert gh.commit(REPO, second).parents == [first]
    assert gh.branch_sha(REPO, BRANCH) == second
    assert gh.files(REPO, BRANCH)[".plans/issue-7/tasks.md"] == "v2"
    [update] = gh.calls("PATCH /repos/{owner}/{repo}/git/refs/{ref}")
    assert update.path == f"/repos/{REPO}/git/refs/heads/{BRANCH}"
    assert not update.json.get("force")


def test_commit_on_a_stale_base_is_refused_not_forced(repo: GitHub, gh: LoopbackGitHub) -> None:
    base = gh.branch_sha(REPO, "main")
    assert base is not None
    ours = repo.commit_files(BRANCH, base, {".plans/issue-7/tasks.md": "v1"}, "first")
    gh.push(REPO, BRANCH, {".plans/issue-7/tasks.md": "edited by a person"})
    with pytest.raises(GitHubError) as failure:
        repo.commit_files(BRANCH, ours, {".plans/issue-7/tasks.md": "v2"}, "second")
    assert failure.value.status == 422
    assert gh.files(REPO, BRANCH)[".plans/issue-7/tasks.md"] == "edited by a person"


# Writes: pull requests
def test_draft_pull_is_created_then_found_by_its_head(repo: GitHub, gh: LoopbackGitHub) -> None:
    gh.push(REPO, BRANCH, {".plans/issue-7/tasks.md": "x"})
    assert repo.find_pull(BRANCH) is None
    created = repo.create_draft_pull(BRANCH, "main", "Plan: Crash on save", "Refs #7")
    assert repo.find_pull(BRANCH) == created
    assert (created.head, created.body) == (BRANCH, "Refs #7")
    [pull] = gh.pulls(REPO)
    assert (pull["draft"], pull["title"], pull["base"]["ref"]) == (
        True, "Plan: Crash on save", "main")
    assert {r.query["head"] for r in gh.calls("GET /repos/{owner}/{repo}/pulls")} == {
        f"octo:{BRANCH}"}


def test_update_pull_replaces_the_body(repo: GitHub, gh: LoopbackGitHub) -> None:
    gh.push(REPO, BRANCH, {"x.md": "x"})
    number = gh.add_pull(REPO, BRANCH, body="old")
    repo.update_pull(number, "Refs #7\n\nnew")
    assert gh.pulls(REPO)[0]["body"] == "Refs #7\n\nnew"


def test_review_comments_keep_only_the_given_review(repo: GitHub, gh: LoopbackGitHub) -> None:
    gh.push(REPO, BRANCH, {"x.md": "x"})
    number = gh.add_pull(REPO, BRANCH)
    gh.add_review_comment(REPO, number, 501, "Too vague", ".plans/issue-7/tasks.md", 3)
    gh.add_review_comment(REPO, number, 502, "Other review", "x.md", 1)
    gh.add_review_comment(REPO, number, 501, "On the file", ".plans/issue-7/hypotheses.md")
    notes = repo.review_comments(number, 501)
    assert [(n.body, n.path, n.line) for n in notes] == [
        ("Too vague", ".plans/issue-7/tasks.md", 3),
        ("On the file", ".plans/issue-7/hypotheses.md", None)]


# Writes: comments, reactions, labels
def test_comment_is_created_as_the_bot_and_edited_in_place(repo: GitHub,
                                                          gh: LoopbackGitHub) -> None:
    comment = repo.create_comment(7, "<!-- planbot:stage=problem -->\nworking")
    assert (comment.author_type, comment.by_bot) == ("Bot", True)
    repo.edit_comment(comment.id, "<!-- planbot:stage=problem -->\ndone")
    assert [c["body"] for c in gh.comments(REPO, 7)] == ["<!-- planbot:stage=problem -->\ndone"]


def test_edit_of_a_missing_comment_is_a_404(repo: GitHub) -> None:
    with pytest.raises(GitHubError) as failure:
        repo.edit_comment(424242, "x")
    assert failure.value.status == 404


def test_reactions_go_to_the_issue_or_the_comment(repo: GitHub, gh: LoopbackGitHub) -> None:
    trigger = gh.add_comment(REPO, 7, "/plan")
    repo.add_reaction(("comment", trigger), "eyes")
    repo.add_reaction(("issue", 7), "rocket")
    assert gh.reactions(REPO) == [(("comment", trigger), "eyes"), (("issue", 7), "rocket")]


def test_add_label_keeps_existing_labels(repo: GitHub, gh: LoopbackGitHub) -> None:
    repo.add_label(7, "planned")
    assert gh.labels(REPO, 7) == ["bug", "plan", "planned"]


# GitHub Enterprise Server and failures
def test_enterprise_server_api_prefix_is_honoured() -> None:
    with LoopbackGitHub(prefix="/api/v3") as ghes, \
            PyGitHubApp("42", private_key_pem(), ghes.url + "/", polite=False) as app:
        base = ghes.add_repo(REPO, FILES, installation_id=3)
        repo = app.client(app.installation_id(REPO), REPO)
        sha = repo.commit_files(BRANCH, base, {".plans/issue-7/tasks.md": "t"}, "plan")
        assert repo.branch_sha(BRANCH) == sha
        assert repo.read_file(".plans/issue-7/tasks.md", BRANCH) == "t"
        assert len(repo.archive(BRANCH)) > 0
        assert ghes.url.endswith("/api/v3")
        assert ghes.errors == []  # the loopback only routes under /api/v3


def test_server_error_becomes_github_error_with_its_status(repo: GitHub,
                                                           gh: LoopbackGitHub) -> None:
    gh.fail_next("GET /repos/{owner}/{repo}/issues/{issue_number}", status=502)
    with pytest.raises(GitHubError) as failure:
        repo.issue(7)
    assert failure.value.status == 502
    assert repo.issue(7).number == 7  # one failure, not a broken client


def test_unreachable_github_is_a_github_error_without_status() -> None:
    with socket.socket() as probe:  # a port nobody listens on once the socket closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = PyGitHubApp("42", private_key_pem(), f"http://127.0.0.1:{port}", polite=False)
    with app, pytest.raises(GitHubError) as failure:
        app.installation_id(REPO)
    assert failure.value.status is None


# The loopback itself
def test_loopback_reports_bodies_the_description_rejects(repo: GitHub,
                                                         gh: LoopbackGitHub) -> None:
    trigger = gh.add_comment(REPO, 7, "/plan")
    repo.add_reaction(("comment", trigger), "party")  # not a GitHub reaction
    repo.add_reaction(("issue", 7), "party")  # off the description: checked by hand
    assert [e.split(":")[0] for e in gh.errors] == [
        "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions"]
    gh.errors.clear()


def test_loopback_refuses_a_token_of_another_installation(gh: LoopbackGitHub) -> None:
    request = urllib.request.Request(f"{gh.url}/repos/{REPO}/issues/7",
                                     headers={"Authorization": "token ghs_forged"})
    with pytest.raises(urllib.error.HTTPError) as failure:
        urllib.request.urlopen(request, timeout=10)
    failure.value.close()
    assert failure.value.code == 401
    assert gh.errors == ["GET /repos/{owner}/{repo}/issues/{issue_number}: Bad credentials"]
    gh.errors.clear()
