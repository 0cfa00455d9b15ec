-- Neovim client for dols: starts `dols lsp` for the buffers of a wrangler project and adds a
-- few commands. Works on Neovim 0.7 (`vim.lsp.start_client`) and on 0.8 and later
-- (`vim.lsp.start`).
--
--   require("dols").setup({})
--
-- See editors/nvim/README.md for the options and commands.

local config = require("dols.config")

local M = {}

local defaults = {
  -- The dols executable; `cmd` defaults to `{ binary, "lsp" }`.
  binary = "dols",
  cmd = nil,
  -- `{ dols = { lint = {...}, sql = {...}, ... } }`, sent at start-up and answered on
  -- `workspace/configuration`. A table without the `dols` key is taken as its contents.
  settings = {},
  filetypes = config.filetypes,
  root_markers = config.root_markers,
  -- Put the SQL injection queries (grammars/queries) on the runtimepath (Neovim 0.9+).
  injections = true,
  -- Define :DolsRestart, :DolsSchema and :DolsStatus.
  commands = true,
  -- Passed on to the client.
  on_attach = nil,
  capabilities = nil,
  handlers = nil,
}

M.options = nil

local has_start = vim.lsp.start ~= nil
local has_011 = vim.fn.has("nvim-0.11") == 1

-- Neovim 0.7 has no vim.lsp.start: one client per project root, kept here.
local clients_by_root = {}

local function notify(msg, level)
  vim.notify("dols: " .. msg, level or vim.log.levels.INFO)
end

-- The running dols clients, those attached to `bufnr` when it is given.
function M.clients(bufnr)
  local all
  if vim.lsp.get_clients ~= nil then
    all = vim.lsp.get_clients({ name = "dols" })
  else
    all = vim.lsp.get_active_clients()
  end
  local out = {}
  for _, client in pairs(all) do
    if client.name == "dols" and (bufnr == nil or vim.lsp.buf_is_attached(bufnr, client.id)) then
      table.insert(out, client)
    end
  end
  return out
end

local function client_request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function is_stopped(client)
  if has_011 then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function client_config(root)
  local opts = M.options
  return {
    name = "dols",
    cmd = opts.cmd,
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = root },
    },
    settings = opts.settings,
    before_init = config.before_init,
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
    handlers = opts.handlers,
  }
end

-- Starts (or reuses) the client for the buffer's project and attaches it. Returns the client
-- id, or nil when the buffer is not dols's.
function M.attach(bufnr)
  if M.options == nil then
    M.setup({})
  end
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.tbl_contains(M.options.filetypes, vim.bo[bufnr].filetype) then
    return nil
  end
  local root = config.root_for_buffer(bufnr, M.options.root_markers)
  if root == nil then
    return nil
  end
  if has_start then
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or is_stopped(client) then
    id = vim.lsp.start_client(client_config(root))
    if id == nil then
      notify("could not start " .. table.concat(M.options.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function attach_loaded_buffers()
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

-- Stops every dols client and starts them again for the open buffers.
function M.restart()
  local clients = M.clients()
  for _, client in ipairs(clients) do
    if has_011 then
      client:stop()
    else
      client.stop()
    end
  end
  clients_by_root = {}
  local stopped = vim.wait(5000, function()
    for _, client in ipairs(clients) do
      if not is_stopped(client) then
        return false
      end
    end
    return true
  end, 20)
  if not stopped then
    for _, client in ipairs(clients) do
      if has_011 then
        client:stop(true)
      else
        client.stop(true)
      end
    end
  end
  attach_loaded_buffers()
end

-- The cursor position as the client's position encoding counts it.
local function cursor_position(client, bufnr)
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local line = vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] or ""
  local encoding = client.offset_encoding or "utf-16"
  local character = col
  if encoding ~= "utf-8" then
    if has_011 then
      character = vim.str_utfindex(line, encoding, col, false)
    else
      local utf32, utf16 = vim.str_utfindex(line, col)
      character = encoding == "utf-32" and utf32 or utf16
    end
  end
  return { line = row - 1, character = character }
end

-- A scratch buffer in a split below, holding `lines`.
local function show_scratch(name, filetype, lines)
  vim.cmd("botright new")
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].buftype = "nofile"
  vim.bo[bufnr].bufhidden = "wipe"
  vim.bo[bufnr].swapfile = false
  pcall(vim.api.nvim_buf_set_name, bufnr, name)
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].filetype = filetype
  return bufnr
end

local function split_lines(text)
  return vim.split((text:gsub("\r\n", "\n"):gsub("\n+$", "")), "\n", { plain = true })
end

-- The class whose body holds the cursor, read from the text: the nearest `class Name` line
-- above the cursor whose block has not closed before it. Good enough for the usual layout of
-- one class per block; nil when the cursor is outside any class.
local function class_at_cursor(bufnr)
  local row = vim.api.nvim_win_get_cursor(0)[1]
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, row, false)
  for i = #lines, 1, -1 do
    local line = lines[i]
    local indent, name = line:match("^(%s*)[%w%s]-%f[%w]class%s+([%a_$][%w_$]*)")
    if name ~= nil then
      -- Is there a line closing this class between it and the cursor?
      for j = i + 1, #lines - 1 do
        if lines[j]:match("^" .. indent .. "}") then
          return nil
        end
      end
      return name
    end
  end
  return nil
end

local function schema_from_cli(root, class, bufnr)
  local cmd = { M.options.cmd[1], "schema", root }
  if class ~= nil then
    table.insert(cmd, "--class")
    table.insert(cmd, class)
  end
  local output = vim.fn.system(cmd)
  if vim.v.shell_error ~= 0 then
    notify(table.concat(cmd, " ") .. " failed:\n" .. output, vim.log.levels.ERROR)
    return nil
  end
  vim.b[bufnr].dols_schema_source = "cli"
  return show_scratch("dols://schema/" .. (class or vim.fn.fnamemodify(root, ":t")), "sql", split_lines(output))
end

-- What `dols.showSchema` answered, as text: a string, or a table holding one.
local function schema_text(result)
  if type(result) == "string" then
    return result
  end
  if type(result) == "table" then
    for _, key in ipairs({ "sql", "schema", "text", "markdown", "value" }) do
      if type(result[key]) == "string" then
        return result[key]
      end
    end
  end
  return nil
end

-- Shows the shadow schema of the class under the cursor: from the server's `dols.showSchema`
-- command when it offers one, else from `dols schema <root> --class <name>`.
function M.show_schema(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.clients(bufnr)[1]
  local root = (client and client.config.root_dir)
    or config.find_root(vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":p:h"), M.options.root_markers)
  if root == nil then
    notify("this buffer is not in a wrangler project", vim.log.levels.WARN)
    return
  end
  local class = class_at_cursor(bufnr)
  local provider = client and client.server_capabilities.executeCommandProvider
  if provider and vim.tbl_contains(provider.commands or {}, "dols.showSchema") then
    local params = {
      command = "dols.showSchema",
      arguments = { vim.uri_from_bufnr(bufnr), cursor_position(client, bufnr) },
    }
    client_request(client, "workspace/executeCommand", params, function(err, result)
      local text = err == nil and schema_text(result) or nil
      if text == nil then
        if err ~= nil then
          notify("dols.showSchema failed (" .. tostring(err.message) .. "); asking the CLI", vim.log.levels.WARN)
        end
        schema_from_cli(root, class, bufnr)
        return
      end
      -- Which way the schema came, for the user's scripts and the tests.
      vim.b[bufnr].dols_schema_source = "server"
      show_scratch("dols://schema/" .. (class or "project"), "sql", split_lines(text))
    end, bufnr)
    return
  end
  return schema_from_cli(root, class, bufnr)
end

-- Shows the server's `dols/status` report (what it understood of the project).
function M.show_status(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.clients(bufnr)[1] or M.clients()[1]
  if client == nil then
    notify("no dols server is running", vim.log.levels.WARN)
    return
  end
  client_request(client, "dols/status", nil, function(err, result)
    if err ~= nil then
      notify("dols/status failed: " .. tostring(err.message), vim.log.levels.ERROR)
      return
    end
    local text = type(result) == "table" and result.markdown or vim.inspect(result)
    show_scratch("dols://status", "markdown", split_lines(text))
  end, bufnr)
end

-- The repository's grammars/ directory (it holds queries/<language>/injections.scm), found
-- relative to this file: editors/nvim/lua/dols/init.lua.
function M.grammars_dir()
  local source = debug.getinfo(1, "S").source
  if source:sub(1, 1) ~= "@" then
    return nil
  end
  local here = vim.fn.fnamemodify(source:sub(2), ":p:h")
  local dir = vim.fn.fnamemodify(here .. "/../../../../grammars", ":p"):gsub("/$", "")
  if vim.fn.isdirectory(dir .. "/queries") == 1 then
    return dir
  end
  return nil
end

local function add_injections(dir)
  if vim.fn.has("nvim-0.9") ~= 1 then
    return -- the queries use the injection syntax of 0.9 and later
  end
  dir = dir or M.grammars_dir()
  if dir == nil then
    return
  end
  for _, path in ipairs(vim.api.nvim_list_runtime_paths()) do
    if path == dir then
      return
    end
  end
  vim.opt.runtimepath:append(dir)
end

local function define_commands()
  vim.api.nvim_create_user_command("DolsRestart", function()
    M.restart()
  end, { desc = "Restart the dols language server" })
  vim.api.nvim_create_user_command("DolsSchema", function()
    M.show_schema(0)
  end, { desc = "Show the shadow schema of the class under the cursor" })
  vim.api.nvim_create_user_command("DolsStatus", function()
    M.show_status(0)
  end, { desc = "Show what dols understood of the project" })
end

function M.setup(opts)
  local given = opts or {}
  opts = vim.tbl_deep_extend("force", {}, defaults, given)
  -- Lists replace the defaults instead of being merged with them index by index.
  for _, key in ipairs({ "filetypes", "root_markers", "cmd" }) do
    if type(given[key]) == "table" then
      opts[key] = vim.deepcopy(given[key])
    end
  end
  if opts.cmd == nil then
    opts.cmd = { opts.binary, "lsp" }
  end
  opts.settings = config.normalize_settings(opts.settings)
  M.options = opts

  local group = vim.api.nvim_create_augroup("dols", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  if opts.commands then
    define_commands()
  end
  if opts.injections then
    add_injections(type(opts.injections) == "string" and opts.injections or nil)
  end
  attach_loaded_buffers()
end

return M
