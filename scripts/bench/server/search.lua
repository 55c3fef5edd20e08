-- GET /api/codes/search with an API token, a realistic query per request (rotating).
dofile(os.getenv("RCM_BENCH_LUA") .. "/report.lua")

local queries = {
  "type 2 diabetes", "chf", "hypertension", "S72.001", "copd exacerbation", "low back pain",
  "uti", "otitis media", "pneumonia", "atrial fibrillation", "major depressive disorder",
  "asthma", "migraine", "hyperlipidemia", "broken hip", "sprained ankle", "E11.65", "I10",
  "chest pain", "gerd", "anxiety", "obesity", "ckd stage 3", "sepsis", "dehydration",
  "headache", "fever", "cough", "strep throat", "fall from bed", "dm2 with neuropathy",
  "acute bronchitis", "cellulitis of leg", "z00.00", "annual physical", "hypothyroidism",
}
local paths = {}
for i, q in ipairs(queries) do
  paths[i] = "/api/codes/search?limit=10&q=" .. q:gsub("[^%w%.%-]", function(c)
    return string.format("%%%02X", string.byte(c))
  end)
end

local n
function init(args)
  n = (id or 1) * 7
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("RCM_BENCH_TOKEN")
end

function request()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1])
end
