-- End-to-end check of `dols lsp` from a real Neovim, written against the Neovim 0.7 API
-- (`vim.lsp.start_client`, `vim.lsp.buf_attach_client`, `vim.lsp.buf_request_sync`), which
-- later versions still provide (0.11 and 0.12 print a deprecation notice for start_client).
--
-- tests/nvim/main.rs runs it as
--   nvim --headless --clean -u NONE -S tests/nvim/e2e.lua
-- and reads the result file; the comment at the top of main.rs explains how to run it by hand.
--
-- Environment:
--   DOLS_BIN             the dols binary (required)
--   DOLS_E2E_PROJECT     a worker project directory with src/index.ts and a wrangler config;
--                        it is edited in memory only, never written (required)
--   DOLS_E2E_OUT         where to write the JSON result (required)
--   DOLS_E2E_ANCHOR      optional: text of a line that opens a Durable Object method; the
--                        completion line is inserted right after it. Without it the first
--                        method of the first class that extends DurableObject is used.
--   DOLS_E2E_TIMEOUT_MS  optional: how long each wait may take (default 15000)
--
-- Result, written even when a step fails:
--   { "completion": [label, ...],
--     "completion_position": { "line": n, "character": n, "text": "..." },
--     "config_file": "wrangler.jsonc",
--     "config_diagnostics": [{ "message", "code", "severity", "source",
--                              "lnum", "col", "end_lnum", "end_col" }, ...],
--     "error": null or "what went wrong" }
-- Line and column numbers are 0-based, as in vim.diagnostic; columns are byte offsets.
-- Neovim exits with status 0 after `qa!`, or 1 through `cquit` when there is an error.

local result = {
  completion = {},
  completion_position = vim.NIL,
  config_file = vim.NIL,
  config_diagnostics = {},
  error = vim.NIL,
}


-- The helpers every test script shares, from this script's directory.
local support = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/support.lua")
local required_env = support.required_env
local timeout_ms = support.timeout_ms

-- Set by on_exit when the server process ends, so waits fail at once instead of timing out.
local server_exit = nil

local function wait_for(what, condition)
  local ok = vim.wait(timeout_ms, function()
    return server_exit ~= nil or condition()
  end, 20)
  if server_exit ~= nil and not condition() then
    error(string.format("the server exited (code %s, signal %s) while waiting for %s",
      tostring(server_exit.code), tostring(server_exit.signal), what), 0)
  end
  if not ok then
    error(string.format("timed out after %d ms waiting for %s", timeout_ms, what), 0)
  end
end

local function open_buffer(path, filetype)
  if vim.fn.filereadable(path) ~= 1 then
    error("cannot read " .. path, 0)
  end
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  -- `-u NONE` turns filetype detection off; set what an editor would, so that the server
  -- sees the usual languageId in didOpen.
  vim.bo[bufnr].filetype = filetype
  return bufnr
end

local function attach(bufnr, client_id)
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    error("vim.lsp.buf_attach_client failed for buffer " .. bufnr, 0)
  end
end

-- Does `line` open a method body: `name(...) {`, `async name(...): T {`, ...?
local keywords = { ["if"] = true, ["for"] = true, ["while"] = true, ["switch"] = true,
  ["catch"] = true, ["function"] = true, ["return"] = true, ["constructor"] = true }
local function is_method_head(line)
  local name = line:match("^%s+async%s+([%a_$][%w_$]*)%s*%(") or line:match("^%s+([%a_$][%w_$]*)%s*%(")
  return name ~= nil and not keywords[name] and line:match("{%s*$") ~= nil
end

-- 0-based row of the line after which the completion line goes.
local function find_anchor(lines)
  local anchor = os.getenv("DOLS_E2E_ANCHOR")
  if anchor ~= nil and anchor ~= "" then
    for i, line in ipairs(lines) do
      if line:find(anchor, 1, true) then
        return i - 1
      end
    end
    error("no line of src/index.ts contains DOLS_E2E_ANCHOR " .. vim.inspect(anchor), 0)
  end
  local in_class = false
  for i, line in ipairs(lines) do
    if line:find("extends DurableObject", 1, true) then
      in_class = true
    elseif in_class and is_method_head(line) then
      return i - 1
    end
  end
  error("src/index.ts has no method in a class that extends DurableObject", 0)
end

local function completion_labels(responses)
  local labels = {}
  for client_id, response in pairs(responses) do
    if response.error ~= nil then
      error(string.format("completion request failed (client %d): %s", client_id,
        vim.inspect(response.error)), 0)
    end
    local items = response.result
    if type(items) == "table" and items.items ~= nil then
      items = items.items -- a CompletionList
    end
    if type(items) == "table" then
      for _, item in ipairs(items) do
        table.insert(labels, item.label)
      end
    end
  end
  return labels
end

local function check_completion(client_id, project)
  local bufnr = open_buffer(project .. "/src/index.ts", "typescript")
  attach(bufnr, client_id)
  wait_for("the server to initialize", function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end)
  local client = vim.lsp.get_client_by_id(client_id)
  if not client.supports_method("textDocument/completion") then
    error("the server does not advertise completionProvider", 0)
  end

  -- Type `this.ctx.storage.` on a new line at the top of a method body. The buffer change
  -- reaches the server as didChange; Neovim flushes pending changes before any request.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)
  local anchor = find_anchor(lines)
  local next_line = lines[anchor + 2] or ""
  local indent = next_line:match("^(%s+)%S") or ((lines[anchor + 1]:match("^(%s*)") or "") .. "  ")
  local text = indent .. "this.ctx.storage."
  local row = anchor + 1
  vim.api.nvim_buf_set_lines(bufnr, row, row, true, { text })
  vim.api.nvim_win_set_cursor(0, { row + 1, #text })

  -- What a completion plugin sends after typing `.`: a trigger-character request when the
  -- server lists `.` among its trigger characters, an invoked one otherwise.
  local context = { triggerKind = 1 }
  local provider = client.server_capabilities.completionProvider
  if type(provider) == "table" and vim.tbl_contains(provider.triggerCharacters or {}, ".") then
    context = { triggerKind = 2, triggerCharacter = "." }
  end
  local character = vim.str_utfindex(text, #text) -- Neovim 0.7 clients speak UTF-16
  result.completion_position = { line = row, character = character, text = text }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = row, character = character },
    context = context,
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, "textDocument/completion", params, timeout_ms)
  if responses == nil then
    error("no completion response: " .. tostring(err), 0)
  end
  result.completion = completion_labels(responses)
end

local function check_config_diagnostics(client_id, project)
  local config = nil
  for _, name in ipairs({ "wrangler.jsonc", "wrangler.json", "wrangler.toml" }) do
    if vim.fn.filereadable(project .. "/" .. name) == 1 then
      config = name
      break
    end
  end
  if config == nil then
    error("the project has no wrangler config", 0)
  end
  result.config_file = config
  local filetype = config:match("%.toml$") and "toml" or "jsonc"
  local bufnr = open_buffer(project .. "/" .. config, filetype)
  attach(bufnr, client_id)
  wait_for("diagnostics on " .. config, function()
    return #vim.diagnostic.get(bufnr) > 0
  end)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then
      code = d.user_data.lsp.code
    end
    table.insert(result.config_diagnostics, {
      message = d.message,
      code = code == nil and vim.NIL or code,
      severity = d.severity,
      source = d.source == nil and vim.NIL or d.source,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum == nil and vim.NIL or d.end_lnum,
      end_col = d.end_col == nil and vim.NIL or d.end_col,
    })
  end
end

local function main()
  local bin = required_env("DOLS_BIN")
  local project = vim.fn.fnamemodify(required_env("DOLS_E2E_PROJECT"), ":p"):gsub("/$", "")
  local client_id = vim.lsp.start_client({
    cmd = { bin, "lsp" },
    root_dir = project,
    name = "dols",
    on_exit = function(code, signal)
      server_exit = { code = code, signal = signal }
    end,
  })
  if client_id == nil then
    error("vim.lsp.start_client did not start " .. bin, 0)
  end
  check_completion(client_id, project)
  check_config_diagnostics(client_id, project)
end

support.finish("e2e.lua", result, main)
