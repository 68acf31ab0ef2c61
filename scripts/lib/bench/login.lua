-- wrk script: password logins, continuously, by one demo account per connection
-- ("storm"). Environment: BENCH_EMAILS (comma-separated), BENCH_PASSWORD.
-- A login answered 503 busy (every hashing thread and its queue taken) is no failure:
-- the client waits the Retry-After seconds before its next attempt, as a browser's user
-- or a well-behaved client would.
-- done() prints "login: ok=N failed=N busy=N duration_us=N".

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  emails = {}
  for e in string.gmatch(os.getenv("BENCH_EMAILS") or "", "[^,]+") do table.insert(emails, e) end
  password = os.getenv("BENCH_PASSWORD")
  n = 0
  ok, failed, busy, shown = 0, 0, 0, 0
  wait_ms = 0
end

-- The pause before the connection's next request: Retry-After after a busy answer.
function delay()
  local ms = wait_ms
  wait_ms = 0
  return ms
end

function request()
  n = n + 1
  local email = emails[((tid * 7 + n) % #emails) + 1]
  return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
    '{"email":"' .. email .. '","password":"' .. password .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 503 then
    busy = busy + 1
    wait_ms = 1000 * (tonumber(headers["Retry-After"] or headers["retry-after"] or "1") or 1)
  else
    failed = failed + 1
    if shown < 3 then
      shown = shown + 1
      io.stderr:write("login: answered " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local o, f, b = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    f = f + t:get("failed")
    b = b + t:get("busy")
  end
  io.write(string.format("login: ok=%d failed=%d busy=%d duration_us=%d\n", o, f, b, summary.duration))
end
