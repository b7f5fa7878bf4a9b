-- Replays pre-signed requests (SigV4 signatures stay valid for 15 minutes) round-robin.
-- The request table comes from the Lua file named by REPLAY_REQUESTS: { {method, path, headers, body}, ... }.
local requests = {}
local next_index = 1

function init(args)
  local file = os.getenv("REPLAY_REQUESTS")
  local list = dofile(file)
  for i, r in ipairs(list) do
    requests[i] = wrk.format(r[1], r[2], r[3], r[4])
  end
  -- Threads start at different offsets so they do not send the same request at the same moment.
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100003))
  next_index = math.random(#requests)
end

function request()
  local r = requests[next_index]
  next_index = next_index + 1
  if next_index > #requests then next_index = 1 end
  return r
end
