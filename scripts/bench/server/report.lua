-- Shared by the wrk scripts of scripts/bench/server-bench.sh: collects each thread's counter of
-- unexpected responses and prints one machine-readable line at the end of the run.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local bad, sample = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + (t:get("bad") or 0)
    local s = t:get("bad_sample")
    if s and s ~= "" and sample == "" then sample = s end
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d seconds=%.2f " ..
    "status_errors=%d socket_errors=%d unexpected=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, secs,
    e.status, e.connect + e.read + e.write + e.timeout, bad))
  if sample ~= "" then
    io.write("UNEXPECTED " .. sample:gsub("\n", " "):sub(1, 400) .. "\n")
  end
end
