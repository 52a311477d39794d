-- GET the URL's path; with BENCH_TOKENS (one access token a line), as Bearer, cycling through
-- the bench's own users. Requests are formatted once in init, not per call: wrk shares the cores.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local requests = {}
local next_index = 1

function init(args)
  local tokens = common.lines(os.getenv("BENCH_TOKENS"))
  if #tokens == 0 then
    requests[1] = wrk.format("GET", wrk.path)
  else
    for i, token in ipairs(tokens) do
      requests[i] = wrk.format("GET", wrk.path, { ["Authorization"] = "Bearer " .. token })
    end
  end
  next_index = math.random(#requests)
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

done = common.done
