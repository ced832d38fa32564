"""Plan documents by their git blob id: what planbot published, it need not read back.

A folder listing gives each document's blob id; a document planbot wrote (or read)
before has that id here, so a run reads from GitHub only the documents a person
changed. The id names the content itself, so an entry can never be out of date.
Kept in the queue's Redis (shared by every worker), and in the process.
"""

from __future__ import annotations

import hashlib

from redis import Redis

from bot.state.fallback import RedisState

KEEP_SECONDS = 30 * 24 * 3600
LOCAL_MAX = 512  # entries kept in the process


def blob_sha(text: str) -> str:
    """The id git gives `text` as a blob (what GitHub's trees and listings report)."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _key(sha: str) -> str:
    return f"planbot:doc:{sha}"


class DocumentCache(RedisState):
    what = "document cache"  # a miss costs one read; never the run

    def __init__(self, connection: Redis | None = None) -> None:
        super().__init__(connection)
        self._local: dict[str, str] = {}

    def get(self, sha: str) -> str | None:
        if sha in self._local:
            return self._local[sha]
        if not sha:
            return None
        raw = self._try(lambda redis: redis.get(_key(sha)), otherwise=None)
        if raw is None:
            return None
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        return text if blob_sha(text) == sha else None

    def put(self, text: str) -> None:
        sha = blob_sha(text)
        if len(self._local) >= LOCAL_MAX:
            self._local.pop(next(iter(self._local)))
        self._local[sha] = text
        self._try(lambda redis: redis.set(_key(sha), text.encode(), ex=KEEP_SECONDS),
                  otherwise=None)
