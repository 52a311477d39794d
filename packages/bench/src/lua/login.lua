-- POST auth.login with a correct password, cycling through the bench's own users
-- (BENCH_LOGINS: "email<TAB>password" a line).
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local requests = {}
local next_index = 1

function init(args)
  for i, line in ipairs(common.lines(os.getenv("BENCH_LOGINS"))) do
    local email, password = line:match("^([^\t]+)\t(.+)$")
    local body = string.format('{"email":"%s","password":"%s"}', email, password)
    requests[i] = wrk.format("POST", wrk.path, { ["Content-Type"] = "application/json" }, body)
  end
  next_index = math.random(#requests)
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

done = common.done
