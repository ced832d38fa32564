"""One GitHub budget per installation, in the queue's Redis, shared by every worker.

GitHub limits each installation to about 80 content-creating requests (POST, PATCH, PUT,
DELETE) a minute and 500 an hour, on top of its primary limit (X-RateLimit-*), and asks
integrations to leave about a second between writes. PyGithub can pace a client
(seconds_between_writes), but only per client and per process: two workers on one
installation each keep their own second and together break the per-minute limit, and
one worker sleeps even when the installation's budget is idle. Here every write of an
installation takes the next free slot of one schedule in Redis (a Lua script, so two
workers never take the same slot); reads are not paced. A wait GitHub asks for
(Retry-After, an exhausted primary limit) blocks that installation only, for everyone.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from redis import Redis

from bot.observe import metrics
from bot.ports import RateLimited, RequestBudget
from bot.state.fallback import RedisState

SPACING_MS = 1000  # GitHub: "wait at least one second between each request" that writes
PER_MINUTE = 80
PER_HOUR = 500
WINDOWS_MS = (60_000, 3_600_000)  # GitHub's minute and hour (a benchmark may shrink time)
# Plans leave this much of each limit to notes about the queue itself ("queued: GitHub
# rate limit, resumes at ..."), so a queued job can still say so within GitHub's limits.
NOTE_ROOM = (5, 20)
NOTE_WAIT_SECONDS = 5.0
# A wait longer than this is not slept through: the job is requeued (RQ) to resume then.
LONG_WAIT_SECONDS = 30.0
PRIMARY_MARGIN = 20  # requests left under the primary limit when we stop and wait for reset
pause = time.sleep  # how a worker waits (tests replace it to see the waits)

# Returns the milliseconds to wait for the reserved slot, or minus the wait when it is
# longer than ARGV[5] (nothing reserved then). ARGV[8]: writes the caller will need after
# this one, which must fit in the hour too (a plan does not start what it cannot finish).
_RESERVE = """
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local spacing, per_minute, per_hour = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local max_wait = tonumber(ARGV[5])
local minute, hour = tonumber(ARGV[6]), tonumber(ARGV[7])
per_hour = per_hour - tonumber(ARGV[8])  -- room kept for the writes the caller has next
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - hour)
local t = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if last[2] then t = math.max(t, tonumber(last[2]) + spacing) end
for _ = 1, 3 do
  for _, rule in ipairs({{minute, per_minute}, {hour, per_hour}}) do
    local w = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (t - rule[1]), '+inf', 'WITHSCORES')
    local n = #w / 2
    if n >= rule[2] then t = math.max(t, tonumber(w[2 * (n - rule[2] + 1)]) + rule[1]) end
  end
end
if t - now > max_wait then return -(t - now) end
redis.call('ZADD', KEYS[1], t, ARGV[4])
redis.call('PEXPIRE', KEYS[1], hour + minute)
return t - now
"""
# Block the installation until ARGV[1] (epoch ms), unless it is blocked longer already.
_BLOCK = """
local until_ms = tonumber(ARGV[1])
if until_ms > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_ms, 'PX', math.max(1, until_ms - tonumber(ARGV[2])))
end
return 1
"""


# A job that found the budget spent joins the installation's line (KEYS[3]) and learns
# when enough writes will have left the hour's window (KEYS[1]) for it and the jobs ahead
# of it (ARGV[2] writes each). Returns {resume at (ms), 1 if it just joined else 0}.
_LINE = """
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local per_hour, hour = tonumber(ARGV[3]), tonumber(ARGV[4])
local joined = redis.call('ZADD', KEYS[3], 'NX', now, ARGV[1])
redis.call('PEXPIRE', KEYS[3], hour * 2)
local rank = redis.call('ZRANK', KEYS[3], ARGV[1])
local w = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - hour), '+inf', 'WITHSCORES')
local needed = (rank + 1) * tonumber(ARGV[2]) - (per_hour - #w / 2)
local at = now
if needed > #w / 2 then at = now + hour
elseif needed > 0 then at = tonumber(w[2 * needed]) + hour end
return {math.max(at, tonumber(redis.call('GET', KEYS[2]) or '0')), joined}
"""
# GitHub's search has its own limit: 30 requests a minute per installation, apart from the
# primary and secondary limits. A stage-1 run searches once (bot.related.lookup); past this
# many in the last minute the search is skipped, not waited for. The margin covers the
# difference between the moment a slot is taken here and the moment GitHub counts it.
SEARCHES_PER_MINUTE = 25
SEARCH_WINDOW_MS = 60_000
# Takes a search slot: 1, or 0 when the minute's searches are spent or GitHub asked the
# installation (KEYS[3]) or its searches (KEYS[2]) to wait.
_SEARCH = """
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
if tonumber(redis.call('GET', KEYS[2]) or '0') > now
   or tonumber(redis.call('GET', KEYS[3]) or '0') > now then
  return 0
end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 1
"""
PLAN_WRITES = 7  # what a plan writes (bench.github_budget): 👀, tree, commit, ref, PR,
# status, 🚀


class InstallationBudget(RedisState, RequestBudget):
    """The schedule of one installation's requests; without Redis (or while it fails),
    nothing is paced: no budget is better than no plan, and GitHub still guards."""

    what = "GitHub budget"

    def __init__(self, connection: Redis | None, installation_id: int, *,
                 spacing_ms: int | None = None, per_minute: int | None = None,
                 per_hour: int | None = None, long_wait: float | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        super().__init__(connection)
        self.installation = installation_id
        # Module settings read here, not at import: a benchmark scales time in its workers.
        self.limits = (SPACING_MS if spacing_ms is None else spacing_ms,
                       per_minute or PER_MINUTE, per_hour or PER_HOUR)
        self.windows = WINDOWS_MS
        self.long_wait = LONG_WAIT_SECONDS if long_wait is None else long_wait
        self._sleep = sleep
        prefix = f"planbot:github:{installation_id}"
        self.writes_key, self.block_key = f"{prefix}:writes", f"{prefix}:blocked"
        self.line_key = f"{prefix}:line"
        self.search_key, self.search_block_key = f"{prefix}:searches", f"{prefix}:search-blocked"
        # EVALSHA with the script's hash, as RQ's own scripts and the web tier's enqueue do:
        # the source goes to Redis once, not with every write.
        if connection is not None:
            self._reserve = connection.register_script(_RESERVE)
            self._line = connection.register_script(_LINE)
            self._block = connection.register_script(_BLOCK)
            self._search = connection.register_script(_SEARCH)

    def sleep(self, seconds: float) -> None:
        (self._sleep or pause)(seconds)

    def before_write(self, note: bool = False, then: int = 0) -> None:
        spacing, per_minute, per_hour = self.limits
        if not note:
            per_minute, per_hour = per_minute - NOTE_ROOM[0], per_hour - NOTE_ROOM[1]
        wait = min(NOTE_WAIT_SECONDS, self.long_wait) if note else self.long_wait
        waited = self._try(lambda redis: int(self._reserve(
            [self.writes_key, self.block_key],
            [spacing, per_minute, per_hour, uuid.uuid4().hex, int(wait * 1000),
             *self.windows, then])), otherwise=0, then="writing unpaced")
        if waited < 0:
            metrics.add("planbot_github_rate_limit_waits", reason="requeued")
            raise RateLimited(time.time() - waited / 1000)
        if waited:
            metrics.add("planbot_github_rate_limit_wait_seconds", waited / 1000, reason="spacing")
            self.sleep(waited / 1000)

    def before_read(self) -> None:
        raw = self._try(lambda redis: redis.get(self.block_key), otherwise=None)
        wait = (int(raw) / 1000 - time.time()) if raw else 0.0
        if wait > self.long_wait:
            metrics.add("planbot_github_rate_limit_waits", reason="requeued")
            raise RateLimited(time.time() + wait)
        if wait > 0:
            metrics.add("planbot_github_rate_limit_wait_seconds", wait, reason="blocked")
            self.sleep(wait)

    def before_search(self) -> bool:
        """One of the installation's searches this minute, shared by every worker; without
        Redis (or while it fails) the search is made and GitHub's own limit guards."""
        return bool(self._try(lambda redis: int(self._search(
            [self.search_key, self.search_block_key, self.block_key],
            [SEARCHES_PER_MINUTE, SEARCH_WINDOW_MS, uuid.uuid4().hex])),
            otherwise=1, then="searching unpaced"))

    def search_blocked(self, seconds: float) -> None:
        until_ms = int((time.time() + seconds) * 1000)
        self._try(lambda redis: redis.set(self.search_block_key, until_ms,
                                          px=max(1, int(seconds * 1000))), otherwise=None)

    def place_in_line(self, ticket: str) -> tuple[float, bool]:
        """(when the job `ticket` may try again, whether it just joined the line): after
        the plans ahead of it in this installation's line have had their writes, so the
        waiting jobs do not all wake at once for one free slot."""
        per_hour = self.limits[2]
        line = self._try(lambda redis: self._line(
            [self.writes_key, self.block_key, self.line_key],
            [ticket, PLAN_WRITES, per_hour - NOTE_ROOM[1], self.windows[1]]), otherwise=None)
        if line is None:
            return time.time() + self.long_wait, True
        at, joined = line
        return int(at) / 1000, bool(joined)

    def leave_line(self, ticket: str) -> None:
        self._try(lambda redis: redis.zrem(self.line_key, ticket), otherwise=None)

    def block(self, seconds: float) -> None:
        """GitHub asked this installation to wait (Retry-After, primary limit reset)."""
        if self.connection is None:  # no other worker to tell: this one waits itself
            self.sleep(min(seconds, self.long_wait))
            return
        now = time.time()
        self._try(lambda redis: self._block(
            [self.block_key], [int((now + seconds) * 1000), int(now * 1000)]), otherwise=None)

    def observe(self, remaining: int | None, reset: float | None) -> None:
        """Primary limit from a response's X-RateLimit-Remaining/Reset: stop near zero."""
        if remaining is not None and reset and remaining <= PRIMARY_MARGIN:
            self.block(max(0.0, reset - time.time()))
