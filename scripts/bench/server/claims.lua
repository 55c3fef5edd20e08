-- POST /api/claims: create a claim for an encounter and scrub it (201 with the findings). The
-- encounters (and their patients' coverages) are written by setup_claims.py; every response
-- other than 201 is counted as unexpected and fails the benchmark.
dofile(os.getenv("RCM_BENCH_LUA") .. "/report.lua")

local pairs_ = {}
for line in io.lines(os.getenv("RCM_BENCH_ENCOUNTERS")) do
  local e, c = line:match("^(%d+) (%d+)$")
  if e then table.insert(pairs_, { e, c }) end
end
local bodies = {}
for i, p in ipairs(pairs_) do
  bodies[i] = string.format(
    '{"encounter_id":%s,"coverage_id":%s,"diagnoses":["E11.9","I10"],"lines":[' ..
    '{"procedure_code":"99214","charge":"150.00","units":1,"diagnosis_pointers":[1,2]},' ..
    '{"procedure_code":"36415","charge":"25.00","units":1,"diagnosis_pointers":[1]}]}',
    p[1], p[2])
end

local n
bad = 0
bad_sample = ""
function init(args)
  if #bodies == 0 then error("no encounters in " .. tostring(os.getenv("RCM_BENCH_ENCOUNTERS"))) end
  n = (id or 1) * 13
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("RCM_BENCH_TOKEN")
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  return wrk.format("POST", "/api/claims", nil, bodies[n % #bodies + 1])
end

function response(status, headers, body)
  if status ~= 201 then
    bad = bad + 1
    if bad_sample == "" then bad_sample = status .. " " .. (body or "") end
  end
end
