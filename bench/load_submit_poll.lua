-- wrk script for bench/load.py: MiniMax t2a_async_v2 submits and t2a_async_query_v2 polls, alternating.
-- Each submit's task id joins its thread's list of ids to poll; the next request polls one when there is one,
-- so about half the requests are submits and half polls. Each wrk thread uses one account's key (LOAD_KEYS, one per
-- account, dealt round the threads), so a thread polls only its own account's tasks; with as many threads as
-- connections, each client is an account. Answers that are not MiniMax successes are counted.
local keys = {}
for key in string.gmatch(os.getenv("LOAD_KEYS"), "%S+") do
  table.insert(keys, key)
end
local text = os.getenv("LOAD_TEXT") or "Hello, how are you today?"
local submit_body = '{"model":"speech-02-turbo","text":"' .. text .. '","voice_setting":{"voice_id":"af_heart"}}'
local threads = {}
local ids = {}
submits, polls, refused = 0, 0, 0   -- globals: done() reads them from each thread

function setup(thread)
  table.insert(threads, thread)
  thread:set("key", keys[(#threads - 1) % #keys + 1])
end

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local id = table.remove(ids)
  if id then
    polls = polls + 1
    return wrk.format("GET", "/v1/query/t2a_async_query_v2?task_id=" .. id)
  end
  submits = submits + 1
  return wrk.format("POST", "/v1/t2a_async_v2", nil, submit_body)
end

function response(status, headers, body)
  if status ~= 200 or not body:find('"status_code":0', 1, true) then
    refused = refused + 1
    return
  end
  local id = body:match('"task_id":(%d+),"task_token"')
  if id then
    table.insert(ids, id)
  end
end

function done(summary, latency, requests)
  local s, p, r = 0, 0, 0
  for _, thread in ipairs(threads) do
    s = s + thread:get("submits")
    p = p + thread:get("polls")
    r = r + thread:get("refused")
  end
  io.write(string.format("LOAD submits=%d polls=%d refused=%d\n", s, p, r))
end
