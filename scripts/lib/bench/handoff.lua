-- wrk script: the handoff as two people make it, over and over on each connection.
-- The sending caseworker refers a case (POST /api/v1/cases/{id}/referrals with an
-- Idempotency-Key); the receiving coordinator accepts it with the ETag of that answer
-- (POST /api/v1/referrals/{id}/accept, If-Match). Run with as many threads as
-- connections (-t N -c N): each thread then drives one connection, and its Lua state
-- holds that connection's referral in flight.
--
-- Environment: BENCH_CW_TOKEN, BENCH_CO_TOKEN (bearer tokens), BENCH_TO_AGENCY (the
-- coordinator's agency id), BENCH_CASES (comma-separated case ids of the caseworker's
-- agency), BENCH_RUN (a nonce that keeps idempotency keys unique across runs).
-- done() prints "handoff: created=N accepted=N failed=N duration_us=N"; any failure is
-- also printed with its status and body (the first few per thread).

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local function split(s)
  local out = {}
  for item in string.gmatch(s or "", "[^,]+") do table.insert(out, item) end
  return out
end

function init(args)
  cw_auth = "Bearer " .. os.getenv("BENCH_CW_TOKEN")
  co_auth = "Bearer " .. os.getenv("BENCH_CO_TOKEN")
  to_agency = os.getenv("BENCH_TO_AGENCY")
  run_nonce = os.getenv("BENCH_RUN") or "run"
  cases = split(os.getenv("BENCH_CASES"))
  body = '{"to_agency_id":"' .. to_agency ..
    '","purpose":"care_coordination","urgency":"normal","message":"Benchmark referral: please coordinate care."}'
  n = 0
  created, accepted, failed, shown = 0, 0, 0, 0
  pending = nil
end

function request()
  if pending then
    return wrk.format("POST", "/api/v1/referrals/" .. pending.id .. "/accept",
      { ["Authorization"] = co_auth, ["If-Match"] = pending.etag }, nil)
  end
  n = n + 1
  local case = cases[((tid + n) % #cases) + 1]
  return wrk.format("POST", "/api/v1/cases/" .. case .. "/referrals", {
    ["Authorization"] = cw_auth,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = run_nonce .. "-" .. tid .. "-" .. n,
  }, body)
end

local function fail(what, status, body)
  failed = failed + 1
  if shown < 3 then
    shown = shown + 1
    io.stderr:write("handoff: " .. what .. " answered " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
  end
end

function response(status, headers, body)
  if pending then
    pending = nil
    if status == 200 then accepted = accepted + 1 else fail("accept", status, body) end
    return
  end
  if status ~= 201 then return fail("create", status, body) end
  local id = string.match(body, '^{"id":"([0-9a-f-]+)"')
  local etag = headers["ETag"] or headers["etag"] or headers["Etag"]
  if not id or not etag then return fail("create (no id or ETag)", status, body) end
  created = created + 1
  pending = { id = id, etag = etag }
end

function done(summary, latency, requests)
  local c, a, f = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    a = a + t:get("accepted")
    f = f + t:get("failed")
  end
  io.write(string.format("handoff: created=%d accepted=%d failed=%d duration_us=%d\n",
    c, a, f, summary.duration))
end
