"""The loopback GitHub's state and REST handlers: plain functions over in-memory repos."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import re
import tarfile
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

NOW = "2024-05-01T12:00:00Z"
BOT = {"login": "planbot[bot]", "id": 9000, "type": "Bot"}


class Reply(NamedTuple):
    status: int
    json: Any = None
    headers: Mapping[str, str] = {}


NOT_FOUND = Reply(404, {"message": "Not Found"})


@dataclass
class Commit:
    sha: str
    tree: str
    parents: list[str]
    message: str


@dataclass
class Repo:
    full_name: str
    id: int
    installation_id: int
    default_branch: str
    refs: dict[str, str] = field(default_factory=dict)  # "heads/main" -> commit sha
    commits: dict[str, Commit] = field(default_factory=dict)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)  # tree sha -> {path: text}
    blobs: dict[str, str] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # pull requests too
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    review_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    reactions: list[tuple[tuple[str, int], str]] = field(default_factory=list)
    reaction_ids: list[int] = field(default_factory=list)  # GitHub's id of each reaction

    @property
    def owner(self) -> str:
        return self.full_name.split("/")[0]

    def resolve(self, ref: str) -> Commit | None:
        """A branch, "heads/<branch>" or a commit sha, to its commit."""
        return self.commits.get(self.refs.get(f"heads/{ref}") or self.refs.get(ref) or ref)

    def files(self, ref: str) -> dict[str, str] | None:
        commit = self.resolve(ref)
        return None if commit is None else self.trees[commit.tree]


def blob_sha(text: str) -> str:
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # as git names blobs


def user(login: str, kind: str = "User") -> dict[str, Any]:
    return {"login": login, "id": zlib.crc32(login.encode()) % 10**6, "type": kind}


@dataclass
class World:
    """Everything the loopback knows; `url` is the API root, `root` the web root."""

    url: str = ""
    root: str = ""
    repos: dict[str, Repo] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)  # installation token -> installation
    max_tree_entries: int | None = None  # simulate GitHub truncating big trees
    token_lifetime: timedelta = timedelta(hours=1)  # GitHub's installation tokens last 1 h
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))
    # Apps registered from a manifest (tests/loopback_apps.py), and their one-time codes.
    apps: dict[int, Any] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    setup_errors: list[str] = field(default_factory=list)
    # GitHub's search limit per installation: (requests, window in seconds); the times of
    # each installation's searches in the window.
    search_limit: tuple[int, float] = (30, 60.0)
    searches: dict[int, list[float]] = field(default_factory=dict)

    def next_id(self) -> int:
        return next(self.ids)

    def api(self, repo: Repo, rest: str) -> str:
        return f"{self.url}/repos/{repo.full_name}/{rest}"

    def tree(self, repo: Repo, files: dict[str, str]) -> str:
        sha = hashlib.sha1(json.dumps(sorted(files.items())).encode()).hexdigest()
        repo.trees[sha] = files
        return sha

    def commit(self, repo: Repo, tree: str, parents: list[str], message: str) -> str:
        seed = json.dumps([tree, parents, message, self.next_id()])
        sha = hashlib.sha1(seed.encode()).hexdigest()
        repo.commits[sha] = Commit(sha, tree, parents, message)
        return sha

    def issue(self, repo: Repo, number: int, title: str, body: str, author: dict[str, Any],
              labels: Iterable[str] = ()) -> dict[str, Any]:
        issue = {"id": self.next_id(), "number": number, "title": title, "body": body,
                 "state": "open", "user": author, "author_association": "OWNER",
                 "labels": [label(n) for n in labels], "comments": 0,
                 "url": self.api(repo, f"issues/{number}"),
                 "html_url": f"{self.root}/{repo.full_name}/issues/{number}",
                 "created_at": NOW, "updated_at": NOW}
        repo.issues[number] = issue
        return issue

    def comment(self, repo: Repo, issue_number: int, body: str, author: dict[str, Any],
                association: str) -> dict[str, Any]:
        cid = self.next_id()
        comment = {"id": cid, "issue_number": issue_number, "body": body, "user": author,
                   "author_association": association, "created_at": NOW, "updated_at": NOW,
                   "url": self.api(repo, f"issues/comments/{cid}"),
                   "html_url": f"{self.root}/{repo.full_name}/issues/{issue_number}"
                               f"#issuecomment-{cid}"}
        repo.comments[cid] = comment
        return comment

    def pull(self, repo: Repo, head: str, base: str, title: str, body: str,
             draft: bool) -> dict[str, Any]:
        number = max([0, *repo.issues]) + 1
        issue = self.issue(repo, number, title, body, dict(BOT))
        # On GitHub every pull request is also an issue (comments, labels, reactions).
        issue["pull_request"] = {"url": self.api(repo, f"pulls/{number}")}
        pull = {**issue, "draft": draft, "merged": False, "merged_at": None,
                "url": self.api(repo, f"pulls/{number}"),
                "html_url": f"{self.root}/{repo.full_name}/pull/{number}",
                "head": {"ref": head, "label": f"{repo.owner}:{head}",
                         "sha": repo.refs[f"heads/{head}"]},
                "base": {"ref": base, "label": f"{repo.owner}:{base}",
                         "sha": repo.refs[f"heads/{base}"]}}
        del pull["pull_request"]
        repo.pulls[number] = pull
        return pull

    def review_comment(self, repo: Repo, pull_number: int, review_id: int, body: str,
                       path: str, line: int | None) -> dict[str, Any]:
        cid = self.next_id()
        comment = {"id": cid, "pull_request_review_id": review_id, "body": body, "path": path,
                   "line": line, "original_line": line, "user": user("reviewer"),
                   "author_association": "MEMBER", "diff_hunk": "", "commit_id": "",
                   "created_at": NOW, "updated_at": NOW,
                   "url": self.api(repo, f"pulls/comments/{cid}"),
                   "html_url": f"{self.root}/{repo.full_name}/pull/{pull_number}"
                               f"#discussion_r{cid}"}
        repo.review_comments.setdefault(pull_number, []).append(comment)
        return comment

    def archive(self, full_name: str, sha: str) -> bytes:
        repo = self.repos[full_name]
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            top = f"{full_name.replace('/', '-')}-{sha[:7]}"  # GitHub's top-level folder
            for path, text in sorted(repo.trees[repo.commits[sha].tree].items()):
                data = text.encode()
                info = tarfile.TarInfo(f"{top}/{path}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return buffer.getvalue()


def label(name: str) -> dict[str, Any]:
    return {"id": zlib.crc32(name.encode()) % 10**6, "name": name, "color": "ededed",
            "default": False}


@dataclass
class Call:
    """One request, as a handler sees it."""

    world: World
    found: Repo | None  # None for the App's own endpoints
    body: Any
    query: Mapping[str, str]
    path: str  # as requested, for pagination links
    authorization: str = ""  # the Authorization header, for the App's own endpoints
    if_none_match: str = ""  # a conditional request's ETag

    @property
    def repo(self) -> Repo:
        assert self.found is not None
        return self.found


Handler = Callable[..., Reply]
ROUTES: dict[str, Handler] = {}  # "METHOD /template" -> handler


def route(operation: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES[operation] = handler
        return handler

    return register


def page(c: Call, items: list[dict[str, Any]]) -> Reply:
    per_page, number = int(c.query.get("per_page", 30)), int(c.query.get("page", 1))
    chunk = items[(number - 1) * per_page: number * per_page]
    if number * per_page >= len(items):
        return Reply(200, chunk)
    last = -(-len(items) // per_page)

    def link(to: int, rel: str) -> str:
        query = urlencode({**c.query, "page": str(to), "per_page": str(per_page)})
        return f'<{c.world.root}{c.path}?{query}>; rel="{rel}"'

    # GitHub's Link header names the next and the last page.
    return Reply(200, chunk, {"Link": f"{link(number + 1, 'next')}, {link(last, 'last')}"})


# App
@route("POST /app/installations/{installation_id}/access_tokens")
def create_token(c: Call, installation_id: int) -> Reply:
    if all(r.installation_id != installation_id for r in c.world.repos.values()):
        return NOT_FOUND
    token = f"ghs_{base64.b32encode(c.world.next_id().to_bytes(8, 'big')).decode()}"
    c.world.tokens[token] = installation_id
    expires = datetime.now(UTC) + c.world.token_lifetime
    return Reply(201, {"token": token, "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "permissions": {"contents": "write", "issues": "write",
                                       "pull_requests": "write"},
                       "repository_selection": "selected"})


@route("GET /repos/{owner}/{repo}/installation")
def get_installation(c: Call) -> Reply:
    return Reply(200, {"id": c.repo.installation_id, "app_id": 42, "target_type": "Organization",
                       "account": user(c.repo.owner, "Organization"), "permissions": {},
                       "events": [], "created_at": NOW, "updated_at": NOW})


# Repository and contents
@route("GET /repos/{owner}/{repo}")
def get_repo(c: Call) -> Reply:
    repo = c.repo
    return Reply(200, {"id": repo.id, "name": repo.full_name.split("/")[1],
                       "full_name": repo.full_name, "owner": user(repo.owner, "Organization"),
                       "private": False, "default_branch": repo.default_branch,
                       "html_url": f"{c.world.root}/{repo.full_name}",
                       "url": f"{c.world.url}/repos/{repo.full_name}"})


@route("GET /repos/{owner}/{repo}/contents/{path}")
def get_contents(c: Call, path: str) -> Reply:
    ref = c.query.get("ref", c.repo.default_branch)
    files = c.repo.files(ref)
    if files is None:
        return Reply(404, {"message": f"No commit found for the ref {ref}"})
    if path in files:
        # GitHub's ETag for the answer; a conditional request for an unchanged file gets a
        # 304 with no body, which does not count against the rate limit.
        etag = f'"{blob_sha(files[path])}"'
        if c.if_none_match == etag:
            return Reply(304, None, {"ETag": etag})
        return Reply(200, content_json(c, path, files[path], ref, with_content=True),
                     {"ETag": etag})
    inside = sorted(p for p in files if p.startswith(path.rstrip("/") + "/"))
    if not inside:
        return NOT_FOUND
    return Reply(200, [content_json(c, p, files[p], ref) for p in inside])


def content_json(c: Call, path: str, text: str, ref: str,
                 with_content: bool = False) -> dict[str, Any]:
    sha, web = blob_sha(text), f"{c.world.root}/{c.repo.full_name}"
    entry: dict[str, Any] = {
        "type": "file", "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
        "size": len(text.encode()), "html_url": f"{web}/blob/{ref}/{path}",
        "url": c.world.api(c.repo, f"contents/{quote(path)}?ref={quote(ref)}"),
        "git_url": c.world.api(c.repo, f"git/blobs/{sha}"),
        "download_url": f"{web}/raw/{ref}/{path}",
    }
    if with_content:
        # GitHub wraps the base64 at 60 columns; decoders must cope with the newlines.
        encoded = base64.b64encode(text.encode()).decode()
        entry["content"] = "\n".join(encoded[i:i + 60] for i in range(0, len(encoded), 60))
        entry["encoding"] = "base64"
    return entry


@route("GET /repos/{owner}/{repo}/tarball/{ref}")
def get_tarball(c: Call, ref: str) -> Reply:
    commit = c.repo.resolve(ref)
    if commit is None:
        return NOT_FOUND
    # GitHub answers with a redirect to a short-lived URL on another host (codeload).
    location = f"{c.world.root}/_codeload/{c.repo.full_name}/legacy.tar.gz/{commit.sha}"
    return Reply(302, None, {"Location": location})


# Git data: refs, commits, trees, blobs
def ref_json(c: Call, ref: str) -> dict[str, Any]:
    sha = c.repo.refs[ref]
    return {"ref": f"refs/{ref}", "node_id": f"REF_{ref}",
            "url": c.world.api(c.repo, f"git/refs/{ref}"),
            "object": {"sha": sha, "type": "commit",
                       "url": c.world.api(c.repo, f"git/commits/{sha}")}}


@route("GET /repos/{owner}/{repo}/git/ref/{ref}")
def get_ref(c: Call, ref: str) -> Reply:
    return Reply(200, ref_json(c, ref)) if ref in c.repo.refs else NOT_FOUND


@route("POST /repos/{owner}/{repo}/git/refs")
def create_ref(c: Call) -> Reply:
    ref = c.body["ref"].removeprefix("refs/")
    if ref in c.repo.refs:
        return Reply(422, {"message": "Reference already exists"})
    if c.body["sha"] not in c.repo.commits or ref == c.body["ref"]:
        return Reply(422, {"message": "Reference is invalid"})
    c.repo.refs[ref] = c.body["sha"]
    return Reply(201, ref_json(c, ref))


@route("PATCH /repos/{owner}/{repo}/git/refs/{ref}")
def update_ref(c: Call, ref: str) -> Reply:
    if ref not in c.repo.refs:
        return Reply(422, {"message": "Reference does not exist"})
    if c.body["sha"] not in c.repo.commits:
        return Reply(422, {"message": "Object does not exist"})
    if not c.body.get("force") and not descends(c.repo, c.body["sha"], c.repo.refs[ref]):
        return Reply(422, {"message": "Update is not a fast forward"})
    c.repo.refs[ref] = c.body["sha"]
    return Reply(200, ref_json(c, ref))


def descends(repo: Repo, sha: str, ancestor: str) -> bool:
    todo = [sha]
    while todo:
        current = todo.pop()
        if current == ancestor:
            return True
        todo.extend(repo.commits[current].parents)
    return False


def commit_json(c: Call, commit: Commit) -> dict[str, Any]:
    person = {"name": "planbot", "email": "planbot@example.com", "date": NOW}
    return {"sha": commit.sha, "node_id": f"C_{commit.sha[:8]}", "message": commit.message,
            "url": c.world.api(c.repo, f"git/commits/{commit.sha}"),
            "html_url": f"{c.world.root}/{c.repo.full_name}/commit/{commit.sha}",
            "author": person, "committer": person,
            "tree": {"sha": commit.tree, "url": c.world.api(c.repo, f"git/trees/{commit.tree}")},
            "parents": [{"sha": p, "url": c.world.api(c.repo, f"git/commits/{p}")}
                        for p in commit.parents]}


@route("GET /repos/{owner}/{repo}/git/commits/{commit_sha}")
def get_commit(c: Call, commit_sha: str) -> Reply:
    commit = c.repo.commits.get(commit_sha)
    return Reply(200, commit_json(c, commit)) if commit else NOT_FOUND


@route("POST /repos/{owner}/{repo}/git/commits")
def create_commit(c: Call) -> Reply:
    parents = list(c.body.get("parents", []))
    if c.body["tree"] not in c.repo.trees or not set(parents) <= set(c.repo.commits):
        return Reply(422, {"message": "Tree or parent SHA does not exist"})
    sha = c.world.commit(c.repo, c.body["tree"], parents, c.body["message"])
    return Reply(201, commit_json(c, c.repo.commits[sha]))


@route("POST /repos/{owner}/{repo}/git/blobs")
def create_blob(c: Call) -> Reply:
    raw = c.body["content"]
    text = base64.b64decode(raw).decode() if c.body.get("encoding") == "base64" else raw
    sha = blob_sha(text)
    c.repo.blobs[sha] = text
    return Reply(201, {"sha": sha, "url": c.world.api(c.repo, f"git/blobs/{sha}")})


@route("POST /repos/{owner}/{repo}/git/trees")
def create_tree(c: Call) -> Reply:
    base = c.body.get("base_tree")
    if base is not None and base not in c.repo.trees:
        return Reply(422, {"message": "base_tree does not exist"})
    files = dict(c.repo.trees[base]) if base else {}
    for entry in c.body["tree"]:
        path, sha = entry["path"], entry.get("sha")
        if entry["type"] != "blob":
            return Reply(422, {"message": "the loopback writes blobs only"})
        if "content" in entry:
            files[path] = entry["content"]
        elif sha is None:
            files.pop(path, None)  # GitHub deletes a path given "sha": null
        elif sha in c.repo.blobs:
            files[path] = c.repo.blobs[sha]
        else:
            return Reply(422, {"message": f"blob {sha} does not exist"})
    return Reply(201, tree_json(c, c.world.tree(c.repo, files), recursive=False))


@route("GET /repos/{owner}/{repo}/git/trees/{tree_sha}")
def get_tree(c: Call, tree_sha: str) -> Reply:
    commit = c.repo.resolve(tree_sha)  # GitHub takes any tree-ish: tree, commit or branch
    sha = commit.tree if commit else tree_sha
    if sha not in c.repo.trees:
        return NOT_FOUND
    return Reply(200, tree_json(c, sha, c.query.get("recursive") not in (None, "", "0")))


def tree_json(c: Call, sha: str, recursive: bool) -> dict[str, Any]:
    files = c.repo.trees[sha]
    folders = {p.rsplit("/", i)[0] for p in files for i in range(1, p.count("/") + 1)}
    entries: list[dict[str, Any]] = [
        {"path": d, "mode": "040000", "type": "tree", "sha": hashlib.sha1(d.encode()).hexdigest()}
        for d in folders]
    entries += [{"path": p, "mode": "100644", "type": "blob", "sha": blob_sha(t),
                 "size": len(t.encode())} for p, t in files.items()]
    shown = sorted((e for e in entries if recursive or "/" not in e["path"]),
                   key=lambda e: e["path"])
    limit = c.world.max_tree_entries
    return {"sha": sha, "url": c.world.api(c.repo, f"git/trees/{sha}"), "tree": shown[:limit],
            "truncated": limit is not None and len(shown) > limit}


# Issues, comments, reactions, labels
@route("GET /repos/{owner}/{repo}/issues/{issue_number}")
def get_issue(c: Call, issue_number: int) -> Reply:
    issue = c.repo.issues.get(issue_number)
    return Reply(200, issue) if issue else NOT_FOUND


@route("GET /repos/{owner}/{repo}/issues/{issue_number}/comments")
def list_comments(c: Call, issue_number: int) -> Reply:
    if issue_number not in c.repo.issues:
        return NOT_FOUND
    return page(c, [x for x in c.repo.comments.values() if x["issue_number"] == issue_number])


@route("POST /repos/{owner}/{repo}/issues/{issue_number}/comments")
def create_comment(c: Call, issue_number: int) -> Reply:
    if issue_number not in c.repo.issues:
        return NOT_FOUND
    return Reply(201, c.world.comment(c.repo, issue_number, c.body["body"], dict(BOT), "NONE"))


@route("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")
def edit_comment(c: Call, comment_id: int) -> Reply:
    comment = c.repo.comments.get(comment_id)
    if comment is None:
        return NOT_FOUND
    comment["body"] = c.body["body"]
    return Reply(200, comment)


@route("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
def react_to_comment(c: Call, comment_id: int) -> Reply:
    if comment_id not in c.repo.comments:
        return NOT_FOUND
    return react(c, ("comment", comment_id))


@route("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions")
def react_to_issue(c: Call, issue_number: int) -> Reply:
    if issue_number not in c.repo.issues:
        return NOT_FOUND
    return react(c, ("issue", issue_number))


def react(c: Call, target: tuple[str, int]) -> Reply:
    reaction_id = c.world.next_id()
    c.repo.reactions.append((target, c.body["content"]))
    c.repo.reaction_ids.append(reaction_id)
    return Reply(201, reaction_json(reaction_id, c.body["content"]))


def reaction_json(reaction_id: int, content: str) -> dict[str, Any]:
    return {"id": reaction_id, "node_id": "REA", "user": BOT, "content": content,
            "created_at": NOW}


def list_reactions(c: Call, target: tuple[str, int]) -> Reply:
    wanted = c.query.get("content")
    return page(c, [reaction_json(i, content) for i, (t, content)
                    in zip(c.repo.reaction_ids, c.repo.reactions, strict=True)
                    if t == target and wanted in (None, content)])


def unreact(c: Call, target: tuple[str, int], reaction_id: int) -> Reply:
    for index, (i, (t, _)) in enumerate(zip(c.repo.reaction_ids, c.repo.reactions,
                                            strict=True)):
        if i == reaction_id and t == target:
            del c.repo.reaction_ids[index], c.repo.reactions[index]
            return Reply(204)
    return NOT_FOUND


@route("GET /repos/{owner}/{repo}/issues/{issue_number}/reactions")
def issue_reactions(c: Call, issue_number: int) -> Reply:
    return list_reactions(c, ("issue", issue_number))


@route("GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
def comment_reactions(c: Call, comment_id: int) -> Reply:
    return list_reactions(c, ("comment", comment_id))


@route("DELETE /repos/{owner}/{repo}/issues/{issue_number}/reactions/{reaction_id}")
def delete_issue_reaction(c: Call, issue_number: int, reaction_id: int) -> Reply:
    return unreact(c, ("issue", issue_number), reaction_id)


@route("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}")
def delete_comment_reaction(c: Call, comment_id: int, reaction_id: int) -> Reply:
    return unreact(c, ("comment", comment_id), reaction_id)


@route("POST /repos/{owner}/{repo}/issues/{issue_number}/labels")
def add_labels(c: Call, issue_number: int) -> Reply:
    issue = c.repo.issues.get(issue_number)
    if issue is None:
        return NOT_FOUND
    names = c.body if isinstance(c.body, list) else c.body.get("labels", [])
    known = {x["name"] for x in issue["labels"]}
    issue["labels"] += [label(n) for n in names if n not in known]
    return Reply(200, issue["labels"])


# Pull requests
@route("GET /repos/{owner}/{repo}/pulls")
def list_pulls(c: Call) -> Reply:
    state, head = c.query.get("state", "open"), c.query.get("head")
    return page(c, [p for p in c.repo.pulls.values()
                    if state in ("all", p["state"]) and head in (None, p["head"]["label"])])


@route("POST /repos/{owner}/{repo}/pulls")
def create_pull(c: Call) -> Reply:
    head, base = c.body["head"].split(":")[-1], c.body["base"]
    if f"heads/{head}" not in c.repo.refs or f"heads/{base}" not in c.repo.refs:
        return Reply(422, {"message": "Validation Failed", "errors": [{"field": "head"}]})
    if any(p["head"]["ref"] == head and p["state"] == "open" for p in c.repo.pulls.values()):
        return Reply(422, {"message": f"A pull request already exists for {head}."})
    return Reply(201, c.world.pull(c.repo, head, base, c.body.get("title", ""),
                                   c.body.get("body") or "", bool(c.body.get("draft"))))


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}")
def get_pull(c: Call, pull_number: int) -> Reply:
    pull = c.repo.pulls.get(pull_number)
    return Reply(200, pull) if pull else NOT_FOUND


@route("PATCH /repos/{owner}/{repo}/pulls/{pull_number}")
def update_pull(c: Call, pull_number: int) -> Reply:
    pull = c.repo.pulls.get(pull_number)
    if pull is None:
        return NOT_FOUND
    pull.update({k: v for k, v in c.body.items() if k in ("title", "body", "state")})
    return Reply(200, pull)


@route("GET /repos/{owner}/{repo}/pulls/{pull_number}/comments")
def list_review_comments(c: Call, pull_number: int) -> Reply:
    if pull_number not in c.repo.pulls:
        return NOT_FOUND
    return page(c, c.repo.review_comments.get(pull_number, []))


# Search: GitHub's issue search within its limit of its own (30 a minute per installation)
def simple_user(c: Call, person: dict[str, Any]) -> dict[str, Any]:
    """A user as the search and commit answers give one (every field the description
    requires)."""
    login, api = person["login"], f"{c.world.url}/users/{person['login']}"
    return {"login": login, "id": person["id"], "node_id": f"U_{person['id']}",
            "avatar_url": f"{c.world.root}/avatars/{login}", "gravatar_id": "",
            "url": api, "html_url": f"{c.world.root}/{login}", "type": person["type"],
            "site_admin": False, **{f"{name}_url": f"{api}/{name}" for name in (
                "followers", "following", "gists", "starred", "subscriptions",
                "organizations", "repos", "events", "received_events")}}


_QUALIFIER = re.compile(r"^(\w+):(\S+)$")


def _search_terms(q: str) -> tuple[list[str], list[str]]:
    """(the repositories `repo:` names, the lower-cased words), as GitHub reads `a OR b`."""
    repos, words = [], []
    for part in q.split():
        qualifier = _QUALIFIER.match(part)
        if qualifier and qualifier[1] == "repo":
            repos.append(qualifier[2])
        elif part not in ("OR", "AND", "NOT") and not qualifier:
            words.append(part.lower())
    return repos, words


def _score(item: dict[str, Any], words: list[str]) -> float:
    title, body = item["title"].lower(), (item.get("body") or "").lower()
    return sum(2.0 * (word in title) + 1.0 * (word in body) for word in words)


def _search_item(c: Call, repo: Repo, issue: dict[str, Any], score: float) -> dict[str, Any]:
    number, base = issue["number"], c.world.api(repo, f"issues/{issue['number']}")
    item = {key: issue[key] for key in ("id", "number", "title", "state", "body", "comments",
                                        "created_at", "updated_at", "html_url",
                                        "author_association")}
    item.update(url=base, repository_url=f"{c.world.url}/repos/{repo.full_name}",
                labels_url=f"{base}/labels{{/name}}", comments_url=f"{base}/comments",
                events_url=f"{base}/events", node_id=f"I_{issue['id']}", locked=False,
                assignee=None, milestone=None, closed_at=issue.get("closed_at"), score=score,
                user=simple_user(c, issue["user"]), labels=issue["labels"])
    pull = repo.pulls.get(number)
    if pull is not None:
        web = pull["html_url"]
        item["pull_request"] = {"url": pull["url"], "html_url": web, "diff_url": f"{web}.diff",
                                "patch_url": f"{web}.patch", "merged_at": pull["merged_at"]}
    return item


def _search_slot(c: Call) -> tuple[bool, dict[str, str]]:
    """(whether the installation may search now, GitHub's X-RateLimit-* for the answer)."""
    installation = c.world.tokens.get(c.authorization.partition(" ")[2], 0)
    most, window = c.world.search_limit
    now = time.time()
    done = [t for t in c.world.searches.get(installation, []) if t > now - window]
    allowed = len(done) < most
    if allowed:
        c.world.searches[installation] = [*done, now]
    return allowed, {"X-RateLimit-Limit": str(most),
                     "X-RateLimit-Remaining": str(max(0, most - len(done) - 1)),
                     "X-RateLimit-Reset": str(int((done[0] if done else now) + window)),
                     "X-RateLimit-Resource": "search"}


@route("GET /search/issues")
def search_issues(c: Call) -> Reply:
    allowed, headers = _search_slot(c)
    if not allowed:
        installation = c.world.tokens.get(c.authorization.partition(" ")[2], 0)
        return Reply(403, {"message": f"API rate limit exceeded for installation ID "
                                      f"{installation}.",
                           "documentation_url": "https://docs.github.com/rest/overview/"
                                                "resources-in-the-rest-api#rate-limiting"},
                     headers)
    repos, words = _search_terms(c.query.get("q", ""))
    found = [(score, repo, issue) for name, repo in c.world.repos.items()
             if not repos or name in repos for issue in repo.issues.values()
             if (score := _score(issue, words)) > 0]
    found.sort(key=lambda f: (-f[0], -f[2]["number"]))
    per_page = int(c.query.get("per_page", 30))
    items = [_search_item(c, repo, issue, score) for score, repo, issue in found[:per_page]]
    return Reply(200, {"total_count": len(found), "incomplete_results": False,
                       "search_type": "lexical", "items": items}, headers)


# Commit comparison
def history(repo: Repo, sha: str) -> list[str]:
    """`sha` and its ancestors, newest first (first parents, as planbot's history is)."""
    out: list[str] = []
    while sha in repo.commits and sha not in out:
        out.append(sha)
        parents = repo.commits[sha].parents
        sha = parents[0] if parents else ""
    return out


def full_commit_json(c: Call, commit: Commit) -> dict[str, Any]:
    """A commit as the compare answer lists it (the description's `commit`)."""
    person = {"name": "planbot", "email": "planbot@example.com", "date": NOW}
    web = f"{c.world.root}/{c.repo.full_name}/commit/{commit.sha}"
    return {"url": c.world.api(c.repo, f"commits/{commit.sha}"), "sha": commit.sha,
            "node_id": f"C_{commit.sha[:8]}", "html_url": web,
            "comments_url": c.world.api(c.repo, f"commits/{commit.sha}/comments"),
            "commit": {"url": c.world.api(c.repo, f"git/commits/{commit.sha}"),
                       "author": person, "committer": person, "message": commit.message,
                       "comment_count": 0,
                       "tree": {"sha": commit.tree,
                                "url": c.world.api(c.repo, f"git/trees/{commit.tree}")}},
            "author": simple_user(c, BOT), "committer": simple_user(c, BOT),
            "parents": [{"sha": p, "url": c.world.api(c.repo, f"commits/{p}")}
                        for p in commit.parents]}


def _diff_entry(c: Call, path: str, status: str, head: str) -> dict[str, Any]:
    files = c.repo.files(head) or {}
    web = f"{c.world.root}/{c.repo.full_name}"
    return {"sha": blob_sha(files.get(path, "")), "filename": path, "status": status,
            "additions": 1, "deletions": 1, "changes": 2,
            "blob_url": f"{web}/blob/{head}/{path}", "raw_url": f"{web}/raw/{head}/{path}",
            "contents_url": c.world.api(c.repo, f"contents/{quote(path)}?ref={head}")}


@route("GET /repos/{owner}/{repo}/compare/{basehead}")
def compare(c: Call, basehead: str) -> Reply:
    base_ref, _, head_ref = basehead.partition("...")
    base, head = c.repo.resolve(base_ref), c.repo.resolve(head_ref)
    if base is None or head is None:
        return NOT_FOUND
    ahead, behind = history(c.repo, head.sha), history(c.repo, base.sha)
    merge_base = next((sha for sha in ahead if sha in behind), None)
    if merge_base is None:
        return Reply(404, {"message": f"No common ancestor between {base_ref} and {head_ref}."})
    new = list(reversed(ahead[:ahead.index(merge_base)]))  # oldest first, as GitHub lists
    before, after = c.repo.files(merge_base) or {}, c.repo.files(head.sha) or {}
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    status = {(False, False): "identical", (True, False): "ahead", (False, True): "behind",
              (True, True): "diverged"}[(bool(new), merge_base != base.sha)]
    web = f"{c.world.root}/{c.repo.full_name}/compare"
    owner = c.repo.owner
    return Reply(200, {
        "url": c.world.api(c.repo, f"compare/{basehead}"), "html_url": f"{web}/{basehead}",
        "permalink_url": f"{web}/{owner}:{base.sha}...{owner}:{head.sha}",
        "diff_url": f"{web}/{basehead}.diff", "patch_url": f"{web}/{basehead}.patch",
        "base_commit": full_commit_json(c, base),
        "merge_base_commit": full_commit_json(c, c.repo.commits[merge_base]),
        "status": status, "ahead_by": len(new), "behind_by": behind.index(merge_base),
        "total_commits": len(new),
        "commits": [full_commit_json(c, c.repo.commits[sha]) for sha in new],
        "files": [_diff_entry(c, path, "added" if path not in before else
                              "removed" if path not in after else "modified", head.sha)
                  for path in changed]})
