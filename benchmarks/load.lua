-- wrk script for benchmarks/load.py: requests from the plan file LMS_WRK_PLAN names (each with its
-- session cookie and, for forms, its CSRF token), in turn or at random, with think time between
-- them when the plan asks for it; counts the status codes every thread saw.
local plan = dofile(os.getenv("LMS_WRK_PLAN"))
local threads = {}
local formatted = {}
local sent = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + #threads * 7919 + math.floor(os.clock() * 1000000))
  for i, r in ipairs(plan.requests) do
    formatted[i] = wrk.format(r.method, r.path, r.headers, r.body)
  end
end

function request()
  sent = sent + 1
  if plan.random then
    return formatted[math.random(#formatted)]
  end
  return formatted[((sent - 1) % #formatted) + 1]
end

if plan.think_max then
  function delay()
    return math.random(plan.think_min, plan.think_max)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50=%d p95=%d p99=%d\n",
    summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.status,
    errors.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  local counts = {}
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      counts[code] = (counts[code] or 0) + count
    end
  end
  for code, count in pairs(counts) do
    io.write(string.format("STATUS %d %d\n", code, count))
  end
end
