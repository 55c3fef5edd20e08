-- GET /healthz (no authentication; one database query): the HTTP ceiling of this machine.
dofile(os.getenv("RCM_BENCH_LUA") .. "/report.lua")
wrk.method = "GET"
wrk.path = "/healthz"
