-- wrk script: a mixed upload load against POST /v1/images (see ops/load/run.sh and docs/benchmarks.md).
-- Environment: DNTME_TOKEN (bearer token), PLAIN_PHOTO and FACE_PHOTO (file paths),
-- FLAGGED_RATIO (share of uploads sent with DNT-ME: 1, default 0.2).
-- Every response is counted by status; done() prints the counts, latency percentiles and a
-- machine-readable summary line (LOAD_SUMMARY ...).

local token = assert(os.getenv("DNTME_TOKEN"), "DNTME_TOKEN is required")
local ratio = tonumber(os.getenv("FLAGGED_RATIO") or "0.2")
local boundary = "----dntme-load-boundary"

local function readfile(path)
  local f = assert(io.open(path, "rb"), "cannot read " .. tostring(path))
  local data = f:read("*a")
  f:close()
  return data
end

local function multipart(file, user)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"userId\"\r\n\r\n" .. user .. "\r\n"
      .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
      .. "Content-Type: image/jpeg\r\n\r\n" .. file .. "\r\n--" .. boundary .. "--\r\n"
end

local plain_body = multipart(readfile(os.getenv("PLAIN_PHOTO")), "load-plain")
local face_body = multipart(readfile(os.getenv("FACE_PHOTO")), "load-flagged")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  sent_flagged = 0
  sent_plain = 0
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
  }
  if math.random() < ratio then
    sent_flagged = sent_flagged + 1
    headers["DNT-ME"] = "1"
    return wrk.format("POST", "/v1/images", headers, face_body)
  end
  sent_plain = sent_plain + 1
  return wrk.format("POST", "/v1/images", headers, plain_body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  local flagged, plain = 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
    flagged = flagged + thread:get("sent_flagged")
    plain = plain + thread:get("sent_plain")
  end
  local seconds = summary.duration / 1e6
  local parts = {}
  local answered, errors = 0, 0
  for status, n in pairs(total) do
    answered = answered + n
    if status >= 400 then errors = errors + n end
    table.insert(parts, status .. "=" .. n)
  end
  table.sort(parts)
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests sent: %d flagged, %d unflagged (the last few may not have been answered)\n",
      flagged, plain))
  io.write(string.format("answered: %d in %.1f s = %.2f req/s; by status: %s; socket errors: %d (timeouts %d)\n",
      answered, seconds, answered / seconds, table.concat(parts, " "), socket_errors, summary.errors.timeout))
  io.write(string.format("latency ms: p50 %.0f  p95 %.0f  p99 %.0f  max %.0f\n",
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000))
  io.write(string.format("LOAD_SUMMARY answered=%d seconds=%.1f rps=%.2f errors=%d error_rate=%.4f p50_ms=%.0f p95_ms=%.0f p99_ms=%.0f statuses=%s\n",
      answered, seconds, answered / seconds, errors + socket_errors,
      (errors + socket_errors) / math.max(1, answered + socket_errors),
      latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
      table.concat(parts, ",")))
end
