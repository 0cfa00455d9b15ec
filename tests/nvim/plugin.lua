-- End-to-end check of the Neovim plugin (editors/nvim): `require("dols").setup{}` must start
-- `dols lsp` for a worker project's files and give diagnostics, completion and hover inside
-- SQL strings, and its commands must work. Written so that it runs on Neovim 0.7 (no
-- vim.lsp.start) as well as on current versions.
--
-- tests/nvim/main.rs runs it as
--   nvim --headless --clean -S tests/nvim/plugin.lua
-- from the project directory and checks the JSON it writes.
--
-- Environment:
--   DOLS_BIN             the dols binary (required)
--   DOLS_E2E_PROJECT     a copy of docs/examples/counter (edited in memory only; required)
--   DOLS_E2E_OUT         where to write the JSON result (required)
--   DOLS_PLUGIN_DIR      the plugin directory, editors/nvim (required)
--   DOLS_E2E_TIMEOUT_MS  optional: how long each wait may take (default 15000)
--
-- Result, written even when a step fails (rows and columns 0-based, columns in bytes):
--   { "nvim": "0.7.2", "has_lsp_start": bool,
--     "source_attached": bool, "config_attached": bool, "settings_file_attached": bool,
--     "package_json_attached": bool,
--     "broken_query": { "row": n, "text": "..." },
--     "diagnostics": [{ "code", "message", "lnum", "col", "end_lnum", "end_col" }, ...],
--     "completion": { "row": n, "col": n, "labels": [...] },
--     "hover": { "row": n, "col": n, "text": "..." },
--     "schema": { "name": "...", "filetype": "...", "lines": [...] },
--     "status": [lines of :DolsStatus],
--     "restart": { "before": [ids], "after": [ids] },
--     "error": null or "what went wrong" }

-- The helpers every test script shares, from this script's directory.
local support = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/support.lua")
local required_env = support.required_env
local timeout_ms = support.timeout_ms

local result = {
  nvim = support.nvim_version(),
  has_lsp_start = vim.lsp.start ~= nil,
  source_attached = false,
  config_attached = false,
  settings_file_attached = false,
  package_json_attached = vim.NIL,
  broken_query = vim.NIL,
  diagnostics = {},
  completion = vim.NIL,
  hover = vim.NIL,
  schema = vim.NIL,
  status = vim.NIL,
  restart = vim.NIL,
  error = vim.NIL,
}




local function wait_for(what, condition)
  if not vim.wait(timeout_ms, condition, 20) then
    error(string.format("timed out after %d ms waiting for %s", timeout_ms, what), 0)
  end
end

local dols -- the plugin module

local function attached(bufnr)
  return #dols.clients(bufnr) > 0
end

local function client_ids()
  local ids = {}
  for _, client in ipairs(dols.clients()) do
    table.insert(ids, client.id)
  end
  table.sort(ids)
  return ids
end

local function edit(path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local function wait_attached(bufnr, what)
  wait_for(what .. " to be attached to dols", function()
    local client = dols.clients(bufnr)[1]
    return client ~= nil and client.initialized == true
  end)
end

-- 0-based row of the first line containing `needle`.
local function find_row(bufnr, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)) do
    if line:find(needle, 1, true) then
      return i - 1, line
    end
  end
  error("no line contains " .. vim.inspect(needle), 0)
end

local function position(row, col)
  return { line = row, character = col } -- the lines used here are ASCII
end

local function code_of(d)
  local code = d.code
  if code == nil and d.user_data and d.user_data.lsp then
    code = d.user_data.lsp.code
  end
  return code
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout_ms)
  if responses == nil then
    error(method .. ": no response: " .. tostring(err), 0)
  end
  for _, response in pairs(responses) do
    if response.error ~= nil then
      error(method .. " failed: " .. vim.inspect(response.error), 0)
    end
    if response.result ~= nil then
      return response.result
    end
  end
  return nil
end

-- Inserts `text` as a new line after the line containing `anchor`; returns its row.
local function insert_after(bufnr, anchor, text)
  local row = find_row(bufnr, anchor) + 1
  vim.api.nvim_buf_set_lines(bufnr, row, row, true, { text })
  return row
end

local function check_sql(bufnr)
  -- A query naming a column the table lacks.
  local broken = "    this.sql.exec(\"SELECT missing_column FROM counter\");"
  local row = insert_after(bufnr, "reset(): number {", broken)
  result.broken_query = { row = row, text = broken }
  wait_for("a diagnostic on the broken query", function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.lnum == row then
        return true
      end
    end
    return false
  end)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      code = code_of(d) or vim.NIL,
      message = d.message,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum or vim.NIL,
      end_col = d.end_col or vim.NIL,
    })
  end

  -- Completion after `SELECT ` in a query on the counter table.
  local typed = "    this.sql.exec(\"SELECT  FROM counter\");"
  local crow = insert_after(bufnr, "reset(): number {", typed)
  local ccol = #"    this.sql.exec(\"SELECT "
  vim.api.nvim_win_set_cursor(0, { crow + 1, ccol })
  local completion = request(bufnr, "textDocument/completion", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position(crow, ccol),
    context = { triggerKind = 1 },
  })
  local labels = {}
  local items = completion and (completion.items or completion) or {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
  end
  result.completion = { row = crow, col = ccol, labels = labels }
  vim.api.nvim_buf_set_lines(bufnr, crow, crow + 1, true, {})

  -- Hover on the column `value` of an existing query.
  local hrow, hline = find_row(bufnr, "\"SELECT value FROM counter")
  local hcol = hline:find("value FROM", 1, true) + 1 -- on the `a`, 0-based
  local hover = request(bufnr, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position(hrow, hcol),
  })
  local text = vim.NIL
  if hover ~= nil then
    local contents = hover.contents
    if type(contents) == "string" then
      text = contents
    elseif contents.value ~= nil then
      text = contents.value
    else
      local parts = {}
      for _, c in ipairs(contents) do
        table.insert(parts, type(c) == "string" and c or c.value)
      end
      text = table.concat(parts, "\n")
    end
  end
  result.hover = { row = hrow, col = hcol, text = text }
end

-- Runs a command that opens a scratch window; returns its buffer and goes back.
local function scratch_of(command)
  local before = vim.api.nvim_get_current_win()
  vim.cmd(command)
  local bufnr
  wait_for(command .. " to open a window", function()
    local win = vim.api.nvim_get_current_win()
    if win ~= before then
      bufnr = vim.api.nvim_win_get_buf(win)
      return true
    end
    return false
  end)
  local out = {
    name = vim.api.nvim_buf_get_name(bufnr),
    filetype = vim.bo[bufnr].filetype,
    lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, true),
  }
  vim.cmd("close")
  vim.api.nvim_set_current_win(before)
  return out
end

local function main()
  local bin = required_env("DOLS_BIN")
  local project = vim.fn.fnamemodify(required_env("DOLS_E2E_PROJECT"), ":p"):gsub("/$", "")
  local plugin_dir = required_env("DOLS_PLUGIN_DIR")
  vim.opt.runtimepath:prepend(plugin_dir)
  vim.cmd("filetype on")

  dols = require("dols")
  dols.setup({
    binary = bin,
    settings = { dols = { lint = { ["stub-call-not-awaited"] = "hint" } } },
  })

  local source = edit(project .. "/src/index.ts")
  wait_attached(source, "src/index.ts")
  result.source_attached = true

  -- The cursor inside Counter: the schema of that class.
  local row = find_row(source, "reset(): number {")
  vim.api.nvim_win_set_cursor(0, { row + 1, 4 })
  result.schema = scratch_of("DolsSchema")
  result.schema_source = vim.b[source].dols_schema_source or vim.NIL

  result.status = scratch_of("DolsStatus").lines

  check_sql(source)

  local config = edit(project .. "/wrangler.jsonc")
  wait_attached(config, "wrangler.jsonc")
  result.config_attached = true

  local settings = edit(project .. "/dols.toml")
  wait_attached(settings, "dols.toml")
  result.settings_file_attached = true

  local package_json = edit(project .. "/package.json")
  vim.wait(200)
  result.package_json_attached = attached(package_json)

  local before = client_ids()
  vim.cmd("DolsRestart")
  wait_for("the restarted server", function()
    local client = dols.clients(source)[1]
    return client ~= nil and client.initialized == true and not vim.tbl_contains(before, client.id)
  end)
  result.restart = { before = before, after = client_ids() }
end

support.finish("plugin.lua", result, main)
