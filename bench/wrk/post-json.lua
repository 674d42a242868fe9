-- wrk script for benchmark (c): POST the ~1 KB JSON document named by
-- $BENCH_BODY_FILE (bench/workers/order.json) on every request.
local path = os.getenv("BENCH_BODY_FILE") or "bench/workers/order.json"
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
