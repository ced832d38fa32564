"""An issue's kind from its title, body and labels, and read back from an edited document."""

from __future__ import annotations

import pytest

from bot.documents.kind import (
    BUG,
    DOCS,
    FEATURE,
    KINDS,
    PERFORMANCE,
    QUESTION,
    SECURITY,
    Reading,
    detect,
    kind_line,
    written_kind,
)

TB = ('```\nTraceback (most recent call last):\n  File "app.py", line 3, in <module>\n'
      "    main()\n{error}\n```")

# (title, body excerpt, labels, kind). Rows marked "dev:" are real issues from the
# Loc-Bench development set (title and the start of the body, shortened); the others are
# written after real issues of their kind, for the kinds and the hard cases that set lacks.
TABLE: list[tuple[str, str, tuple[str, ...], str]] = [
    # bug reports
    ("dev: map_overlap fails if any chunk is smaler than overlap",
     "**Describe the issue**:\n\n`map_overlap` raises when a chunk is smaller than the depth.\n\n"
     + TB.format(error="ValueError: Chunks do not add up to shape"), (), BUG),
    ("dev: `sqlglot.optimizer.qualify_columns.qualify_columns` fails on `table.*` inside "
     "`UNION ALL`", "Running `qualify_columns` on a union with a star raises:\n\n"
     + TB.format(error="sqlglot.errors.OptimizeError: Unknown table: t"), (), BUG),
    ('dev: CloudFlareStream "No video formats found!"',
     "### Checklist\n\n- [X] I'm reporting a broken site\n\n### Provide a description\n\n"
     "Downloading from CloudFlareStream fails.", (), BUG),
    ("dev: `arg-type` error duck typing a `TypedDict` with `NotRequired` field",
     "**Bug Report**\n\nmypy reports an error where pyright accepts the code.\n\n"
     "**To Reproduce**\n\n```python\nclass A(TypedDict): ...\n```\n\n"
     "**Expected Behavior**\n\nNo error.", (), BUG),
    ("dev: bincount rejects bool", "### Description\n\n`jnp.bincount(jnp.array([True]))` "
     "raises a TypeError while NumPy counts it.", (), BUG),
    ("dev: Difference between numpy and jax.numpy in advanced indexing axes order",
     "According to #15653, jax should match numpy with respect to advanced indexing.", (), BUG),
    ("dev: Warning raised with default `from_zarr` settings",
     "**Describe the issue**:\n\nReading a zarr array with the defaults emits a warning.\n\n"
     "**Minimal Complete Verifiable Example**:\n\n```python\nda.from_zarr(path)\n```", (), BUG),
    ("dev: CIS 1.8 5.7.2 fails even though seccomp profile is set to runTimeDefault",
     "### Steps to Reproduce\n\n1. Run the check\n\n### Expected behavior\n\nPASS", (), BUG),
    ("dev: [athena] Object of type WorkGroup is not JSON serializable",
     TB.format(error="TypeError: Object of type WorkGroup is not JSON serializable"), (), BUG),
    ("dev: Missing Text Inside Tables When Converting from DOCX to Markdown",
     "### Bug\n\nText inside table cells is lost when converting a DOCX file.\n\n"
     "### Steps to reproduce\n\n1. Convert the attached file", (), BUG),
    ("Export crashes when the name has an emoji",
     "Exporting a report called `🎉 Q3` crashes.\n\n"
     + TB.format(error="UnicodeEncodeError: 'ascii' codec can't encode character"), (), BUG),
    # hard case: a bug report that says "feature"
    ("The new caching feature breaks reloads",
     "Since the caching feature landed in 2.3, reloading a page raises:\n\n"
     + TB.format(error="KeyError: 'etag'"), (), BUG),
    ("Feature flags are ignored after restart",
     "Steps to reproduce:\n1. enable a feature flag\n2. restart\n\nExpected: still enabled.\n"
     "Actual: the flag is off.", (), BUG),
    # feature requests
    ("dev: Support for `annotated_types.Not`",
     "### Initial Checks\n\n- [X] I have searched Google & GitHub for similar requests\n\n"
     "### Description\n\nI need a `PositiveOddInt` type.", (), FEATURE),
    ("dev: Add `wait` utility for `PrefectFuture`s",
     "Add a `wait` utility that mirrors `concurrent.futures.wait`.", (), FEATURE),
    ("dev: Allow comma-separated values for `CREATE SEQUENCE` properties (Snowflake)",
     "Snowflake accepts `INCREMENT BY 1, START WITH 1`; sqlglot should parse it.", (), FEATURE),
    ("dev: Make `time_embed_dim` of `UNet2DModel` changeable",
     "It would be useful to set the embedding size instead of deriving it.", (), FEATURE),
    ("dev: Deprecate Series.view", "pandas deprecated it; we should follow.", (), FEATURE),
    ("dev: `==`-based narrowing of `Optional`",
     "1. Mypy's current behaviour:\n\n```python\nx: int | None\n```\n\n"
     "3. I think the ideal solution would be to narrow in the else branch.", (), FEATURE),
    ("dev: Improve error message in custom_vjp when returning the wrong grad structure",
     "The message names the wrong tree structure and does not say which output.", (), FEATURE),
    ("dev: [chaturbate] Support downloading non-public rooms again",
     "### Checklist\n\n- [X] I'm requesting a site-specific feature", (), FEATURE),
    ("Option to disable colours in the CLI output",
     "**Is your feature request related to a problem?**\n\nOur CI logs are full of escape "
     "codes.\n\n**Describe the solution you'd like**\n\nA `--no-color` flag.", (), FEATURE),
    # hard cases: feature requests phrased as complaints
    ("It's really annoying that the exporter does not support gzip",
     "Every other tool we use writes `.csv.gz`; we have to compress by hand.", (), FEATURE),
    ("No way to set a per-request timeout",
     "The session timeout applies to every request; there is no option to override it.",
     (), FEATURE),
    ("Unable to configure the retry count, it's always 3",
     "It would be nice to pass `retries=` to the client.", (), FEATURE),
    # hard cases: requests for new behaviour worded as a check to add, an option, a setting
    ("Raise an error when `timeout` is negative",
     "Passing `timeout=-1` silently waits forever. It should raise a ValueError instead.",
     (), FEATURE),
    ("Reject unknown keys in the config file",
     "A typo in a key is ignored today; it should fail loudly.", (), FEATURE),
    ("`save()` should raise an error if the folder does not exist",
     "Right now it creates a file somewhere else.", (), FEATURE),
    ("Validate the port number before connecting",
     "A port of 70000 gives an obscure socket error later.", (), FEATURE),
    ("Check that the schema version matches before migrating",
     "We lost data when an old schema was migrated twice.", (), FEATURE),
    ("Error out on empty input instead of returning None",
     "`parse('')` returns None, which fails much later.", (), FEATURE),
    ("A flag to skip the cache",
     "Sometimes I want fresh results without clearing the cache by hand.", (), FEATURE),
    ("Option for JSON output in the CLI", "We parse the text output in scripts.", (), FEATURE),
    ("Let `connect()` take a timeout",
     "The default of 30 s is too long for our health checks.", (), FEATURE),
    ("`Client` should accept a custom session", "We need to pass our own retry adapter.",
     (), FEATURE),
    ("Would be good to have a dark theme for the report", "", (), FEATURE),
    ("Emit a deprecation warning for `old_name`", "It will be removed in 3.0.", (), FEATURE),
    # ...and bug reports that use the same words
    ("Raises an error when the list is empty", "Calling `total([])` raises IndexError.",
     (), BUG),
    ("Check fails for buckets with no policy",
     "The s3 check reports FAIL although the bucket has no policy.", (), BUG),
    ("Option `--quiet` is ignored", "Passing --quiet still prints progress.", (), BUG),
    ("Validation error on a valid email", "`a@b.co` is rejected with ValidationError.",
     (), BUG),
    # performance issues
    ("dev: order: dask order returns suboptimal ordering for xr.rechunk().groupby()",
     "dask order switches the execution order here, which causes memory pressure on the "
     "cluster.", (), PERFORMANCE),
    ("dev: Xarray to_dask_dataframe consume more memory on V2024.12.0 compared to V2024.10.0",
     "The same conversion peaks at 12 GiB instead of 3 GiB.", (), PERFORMANCE),
    ("dev: Poor Performance on TPC-H Queries", "Query 1 takes 40 s against 4 s in pandas.",
     (), PERFORMANCE),
    ("dev: Avoid unnecessary length checks in `df.squeeze`", "", (), PERFORMANCE),
    ("dev: Parsing APPLY doubles execution time per APPLY statement",
     "Each additional `CROSS APPLY` doubles parse time.", (), PERFORMANCE),
    ("dev: Payload registry has to do a linear search to find payloads",
     "There is a note that it's inefficient.", (), PERFORMANCE),
    ("dev: Email parsing slowdown on edgecases",
     "Validating a long local part takes seconds.", (), PERFORMANCE),
    ("dev: ROB: reading PDF with multiple forms is really slow",
     "Opening a 30-page file with forms takes 90 seconds.", (), PERFORMANCE),
    ("dev: Task input persisted leading to memory not being released (same for output).",
     "### Describe the current behavior\n\nPassing large data to tasks eats up all memory.\n\n"
     "### Describe the proposed behavior\n\nRelease it after the flow run.", (), PERFORMANCE),
    # security vulnerabilities: what an attacker can do with what input
    ("dev: Overly permissive file permissions in `luigi/lock.py`",
     "The pid file is created world-writable, a security issue on shared hosts.", (), SECURITY),
    ("dev: Lazy import allows wheel to execute code on install.",
     "Versions since 24.1b1 allow someone to run arbitrary code after a specially crafted "
     "wheel is installed.", (), SECURITY),
    ("dev: CVE-2023-40590: Untrusted search path on Windows systems leading to arbitrary code "
     "execution", "This appeared in the CVE additional information.", (), SECURITY),
    ("dev: The pyca/cryptography RSA PKCS#1 v1.5 is unsafe, making the users of it vulnerable "
     "to Bleichenbacher attacks", "It is one of the APIs used for key management.", (),
     SECURITY),
    ("dev: Security: allowed origins should not be * by default",
     "CORS headers should be restricted to the current domain at least, by default.", (),
     SECURITY),
    ("Path traversal in the static file handler",
     "`GET /static/..%2f..%2fetc/passwd` returns the file.", (), SECURITY),
    ("SQL injection through the `order_by` parameter",
     "The value is formatted into the query string unescaped.", (), SECURITY),
    ("Comment preview renders raw HTML", "An attacker can post `<script>` that runs for every "
     "reader (stored XSS).", (), SECURITY),
    ("The webhook URL is fetched from inside the network",
     "Setting it to http://169.254.169.254/ returns cloud credentials: SSRF.", (), SECURITY),
    ("A crafted header makes the parser take minutes",
     "The regex backtracks on `a` * 50000 followed by `!`: a ReDoS that blocks the server.",
     (), SECURITY),
    ("Deeply nested JSON crashes the server",
     "A 1 MB request of nested arrays exhausts the stack: denial of service for every user.",
     (), SECURITY),
    ("Cache files are loaded with pickle",
     "Anyone who can write to the cache directory gets code execution through unsafe "
     "deserialization.", (), SECURITY),
    ("Tokens are printed in debug logs", "Running with `-v` shows the API token in full.",
     ("security",), SECURITY),
    # ...and issues that use a security tool's or a framework's words
    ("Check for security groups open to the world reports FAIL for closed groups",
     "The EC2 check fails although the group allows no ingress.", (), BUG),
    ("False positive: the vulnerability scan flags patched versions",
     "`pkg 2.1.4` is reported although the advisory says it is fixed in 2.1.3.", (), BUG),
    ("Add support for SSO login", "We'd like to sign in with our identity provider.", (),
     FEATURE),
    ("Injection of dependencies fails with a custom provider",
     "Registering a provider for `Session` raises KeyError.", (), BUG),
    ("Permissions of the output file are lost on copy",
     "The copied file is no longer executable.", (), BUG),
    ("Add an option to escape HTML in the report", "Names with `<` break the layout.", (),
     FEATURE),
    # questions and support, including questions with tracebacks
    ("How do I use a client certificate with the session?",
     "I have a `.pem` and a key; which argument takes them?", (), QUESTION),
    ("Is it possible to run two workers on one queue?",
     "We want more throughput on a single queue. Thanks in advance!", (), QUESTION),
    ("Why does `load()` raise KeyError on my config?",
     "I followed the quickstart and got this:\n\n"
     + TB.format(error="KeyError: 'database'") + "\n\nAm I missing a setting?", (), QUESTION),
    ("What is the recommended way to share a session between threads?",
     "The docs mention thread safety but not how to share one.", (), QUESTION),
    ("Question: passing headers to every request",
     "Is there a way to set default headers once?\n\n"
     + TB.format(error="TypeError: __init__() got an unexpected keyword argument 'headers'"),
     (), QUESTION),
    ("Help with installing on Windows", "pip install fails to find a wheel, what should I do?",
     ("question",), QUESTION),
    # documentation
    ("dev: Tracking issue: inline docstrings",
     "For many public APIs, JAX uses a helper to define docstrings dynamically at runtime.",
     (), DOCS),
    ("Typo in the quickstart: `pip install planbot[all]`",
     "The extra is called `full`.", (), DOCS),
    ("The README example for `retry()` is out of date",
     "The example passes `tries=`, which was renamed to `attempts=` in 3.0.", (), DOCS),
    ("Document the `timeout` argument of `fetch`",
     "It is not mentioned anywhere; I had to read the code.", (), DOCS),
    ("Broken link to the configuration reference", "The link in the docs index is a 404.",
     (), DOCS),
    # labels beat text
    ("Export crashes on empty files", "Traceback below.", ("type: enhancement",), FEATURE),
    ("Add a progress bar", "", ("kind/bug",), BUG),
    ("Crash when importing", "", ("bug", "performance"), PERFORMANCE),
    ("Wrong example in the guide", "", ("bug", "documentation"), DOCS),
]


@pytest.mark.parametrize(("title", "body", "labels", "kind"), TABLE,
                         ids=[row[0][:60] for row in TABLE])
def test_kind_of_real_issue_titles_and_bodies(title: str, body: str, labels: tuple[str, ...],
                                              kind: str) -> None:
    assert detect(title.removeprefix("dev: "), body, labels).kind == kind


def test_the_table_covers_every_kind_and_the_hard_cases() -> None:
    assert len(TABLE) >= 40
    assert {row[3] for row in TABLE} == set(KINDS)


def test_an_issue_that_shows_no_kind_is_a_bug_report_and_says_why() -> None:
    assert detect("Widgets", "") == Reading(BUG, "no sign of another kind")


def test_the_reading_says_what_decided_it() -> None:
    assert detect("Add CSV export", "", ("enhancement",)).reason == "from the label `enhancement`"
    assert detect("Add CSV export", "").reason == "from the title"
    template = ("**Describe the bug**\n\nIt stops.\n\n**To Reproduce**\n\n1. run it\n\n"
                "**Expected behavior**\n\nIt goes on.")
    assert detect("Widgets", template) == Reading(BUG, "from the issue template's headings")


@pytest.mark.parametrize("kind", KINDS)
def test_the_kind_line_reads_back_as_written(kind: str) -> None:
    assert written_kind(f"## Overview\n\n{kind_line(Reading(kind, 'from the title'))}\n") == kind


@pytest.mark.parametrize(("line", "kind"), [
    ("- Kind: feature request", FEATURE),
    ("- Kind: **Bug**", BUG),
    ("- kind: question", QUESTION),
    ("* Kind: docs (fixed by hand)", DOCS),
    ("- Kind: perf", PERFORMANCE),
    ("- Kind: security", SECURITY),
    ("- Kind: **vulnerability** (from the title)", SECURITY),
    ("- Reads as a feature request", FEATURE),
])
def test_a_kind_a_person_wrote_is_read_however_they_spelled_it(line: str, kind: str) -> None:
    assert written_kind(f"# Problem Definition\n\n## Overview\n\n{line}\n") == kind


def test_a_document_without_a_kind_line_names_none() -> None:
    assert written_kind("# Problem Definition\n\n## Overview\n\nCase: issue-1\n") is None
    assert written_kind("- Kind: something else entirely") is None
