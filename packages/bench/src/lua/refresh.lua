-- POST auth.refresh, each in-flight request on a session chain of its own. wrk gives every
-- thread its own Lua state, so each thread keeps a queue of refresh tokens: request() takes one,
-- response() puts back the rotated one. A used token is never sent again (the server would
-- treat it as theft and revoke the session). BENCH_TOKENS: one refresh token a line;
-- BENCH_THREADS: wrk's -t, so the threads split the tokens without sharing any.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local thread_count = 0
local queue, head, tail = {}, 1, 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS"))
  for i, token in ipairs(common.lines(os.getenv("BENCH_TOKENS"))) do
    if (i - 1) % threads == thread_id then
      tail = tail + 1
      queue[tail] = token
    end
  end
end

local function post(token)
  return wrk.format("POST", wrk.path, { ["Content-Type"] = "application/json" },
    '{"refresh":"' .. token .. '"}')
end

function request()
  if head > tail then
    -- Every chain is in flight or lost to an error: this request fails and is counted.
    return post("no-token-left")
  end
  local token = queue[head]
  queue[head] = nil
  head = head + 1
  return post(token)
end

function response(status, headers, body)
  if status ~= 200 then return end
  local rotated = body:match('"refresh":"([^"]+)"')
  if rotated then
    tail = tail + 1
    queue[tail] = rotated
  end
end

done = common.done
