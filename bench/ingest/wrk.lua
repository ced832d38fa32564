-- One signed delivery body, a unique X-GitHub-Delivery per request; at the end, one
-- INGEST line of figures on stdout and the job id of every 2xx answer in INGEST_IDS.
local file = assert(io.open(os.getenv("INGEST_BODY"), "rb"))
local body = file:read("*a")
file:close()
local prefix = os.getenv("INGEST_PREFIX")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  counter = 0
  ok_ids = {}
  statuses = {}
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["User-Agent"] = "GitHub-Hookshot/bench"
  wrk.headers["X-GitHub-Event"] = os.getenv("INGEST_EVENT")
  wrk.headers["X-Hub-Signature-256"] = os.getenv("INGEST_SIGNATURE")
end

function request()
  counter = counter + 1
  wrk.headers["X-GitHub-Delivery"] = string.format("%s-%d-%d", prefix, number, counter)
  return wrk.format()
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status < 300 then
    local job = string.match(body, '"job_id":%s*"([^"]+)"')
    if job then ok_ids[#ok_ids + 1] = job end
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("INGEST_IDS"), "w"))
  local counts = {}
  for _, thread in ipairs(threads) do
    for _, job in ipairs(thread:get("ok_ids")) do out:write(job, "\n") end
    for status, n in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + n end
  end
  out:close()
  local parts = {}
  for status, n in pairs(counts) do parts[#parts + 1] = string.format('"%d": %d', status, n) end
  local e = summary.errors
  io.write(string.format(
    'INGEST {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
