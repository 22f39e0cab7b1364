-- wrk script of bench/run.
--
-- With BENCH_ID_MIN and BENCH_ID_MAX set, every request asks for a random position
-- id in [min, max] (under BENCH_ID_PATH, default /api/v1/positions/); otherwise wrk
-- requests its URL as given (no per-request Lua, wrk's fast path).
--
-- At the end it prints one machine-readable line:
--   BENCH requests=… duration_us=… p50_us=… p99_us=… status_errors=… socket_errors=…
-- status_errors are responses with a status >= 400 (wrk's "Non-2xx or 3xx" count);
-- socket_errors are connect, read, write and timeout errors.

local id_min = tonumber(os.getenv("BENCH_ID_MIN") or "")
local id_max = tonumber(os.getenv("BENCH_ID_MAX") or "")
local id_path = os.getenv("BENCH_ID_PATH") or "/api/v1/positions/"

if id_min and id_max then
  local seeded = false
  request = function()
    if not seeded then
      -- Each wrk thread has its own Lua state: seed them apart.
      math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000003)
      seeded = true
    end
    return wrk.format(nil, id_path .. math.random(id_min, id_max))
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
