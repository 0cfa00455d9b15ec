-- What the Neovim test scripts share: reading their environment and ending the run. Each
-- script is started on its own (`nvim --headless --clean -u NONE -S tests/nvim/<script>.lua`)
-- and loads this file from its own directory. Works on Neovim 0.7 and later.

local M = {}

-- How long each wait may take (DOLS_E2E_TIMEOUT_MS, default 15 s).
M.timeout_ms = tonumber(os.getenv("DOLS_E2E_TIMEOUT_MS") or "") or 15000

-- The running Neovim's version, "major.minor.patch".
function M.nvim_version()
  local v = vim.version()
  return string.format("%d.%d.%d", v.major, v.minor, v.patch)
end

function M.required_env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set", 0)
  end
  return value
end

-- Runs `main`, writes `result` (with the error, if any) as JSON to DOLS_E2E_OUT, and quits:
-- status 0 when both worked, 1 through `cquit` otherwise. Quitting also shuts the servers
-- down (shutdown request, then exit notification).
function M.finish(script, result, main)
  local ok, err = pcall(main)
  if not ok then
    result.error = tostring(err)
  end
  local out = os.getenv("DOLS_E2E_OUT")
  local written = false
  if out ~= nil and out ~= "" then
    local file, open_err = io.open(out, "w")
    if file == nil then
      io.stderr:write(script .. ": cannot write " .. out .. ": " .. tostring(open_err) .. "\n")
    else
      file:write(vim.fn.json_encode(result), "\n")
      file:close()
      written = true
    end
  end
  if not written then
    io.stderr:write(script .. ": DOLS_E2E_OUT is not usable; result: " .. vim.fn.json_encode(result) .. "\n")
  end
  if ok and written then
    vim.cmd("qa!")
  else
    vim.cmd("cquit 1")
  end
end

return M
