-- What every way of starting dols shares: the file types it serves, how a buffer finds its
-- project root, and which buffers it wants. No side effects; works on Neovim 0.7 and later.

local M = {}

-- The wrangler config files, nearest first when looking upward. The directory holding one is
-- the project root the server is started in.
M.root_markers = { "wrangler.jsonc", "wrangler.json", "wrangler.toml" }

-- Sources, the wrangler config (JSON, JSONC or TOML), `dols.toml`, and `.sql` files (the
-- server reads those that `[sql] migrations` names, so edits there re-check the queries).
M.filetypes = {
  "typescript",
  "typescriptreact",
  "javascript",
  "javascriptreact",
  "json",
  "jsonc",
  "toml",
  "sql",
}

-- Data file types: of these, only the wrangler config and `dols.toml` go to dols (not
-- package.json, tsconfig.json or other TOML files of the project).
local data_filetypes = { json = true, jsonc = true, toml = true }

M.settings_file = "dols.toml"

local uv = vim.uv or vim.loop

local function is_file(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == "file"
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ":h")
end

local function basename(path)
  return vim.fn.fnamemodify(path, ":t")
end

-- The nearest directory at or above `dir` that holds one of `markers`, or nil.
function M.find_root(dir, markers)
  markers = markers or M.root_markers
  dir = vim.fn.fnamemodify(dir, ":p"):gsub("/+$", "")
  if dir == "" then
    dir = "/"
  end
  while true do
    for _, marker in ipairs(markers) do
      if is_file(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = dirname(dir)
    if parent == dir or parent == "" then
      return nil
    end
    dir = parent
  end
end

-- The extensions of the sources the server reads.
local source_extensions = { ts = true, mts = true, cts = true, tsx = true, js = true, mjs = true, cjs = true, jsx = true, sql = true }

-- Whether dols serves the file at `path` with file type `filetype`: any source file, and among
-- data files only the wrangler config and `dols.toml`. Without a file type the name decides.
function M.wants_file(path, filetype, markers)
  if path == nil or path == "" then
    return false
  end
  if filetype == nil or filetype == "" then
    if source_extensions[vim.fn.fnamemodify(path, ":e")] then
      return true
    end
    filetype = "json" -- then only the config names below
  end
  if data_filetypes[filetype] then
    local name = basename(path)
    if name == M.settings_file then
      return true
    end
    for _, marker in ipairs(markers or M.root_markers) do
      if name == marker then
        return true
      end
    end
    return false
  end
  return true
end

-- The project root for the file at `path`, or nil when dols should leave it alone.
function M.root_for_file(path, filetype, markers)
  if not M.wants_file(path, filetype, markers) then
    return nil
  end
  return M.find_root(dirname(path), markers)
end

-- The project root for a buffer, or nil (unnamed buffers, special buffers, files outside a
-- wrangler project, data files that are not dols's).
function M.root_for_buffer(bufnr, markers)
  if vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" or path:match("^%a[%w+.-]*://") then
    return nil
  end
  return M.root_for_file(path, vim.bo[bufnr].filetype, markers)
end

-- Settings as the server reads them: `{ dols = { lint = ..., sql = ... } }`. A table given
-- without the `dols` key is taken as its contents.
function M.normalize_settings(settings)
  settings = settings or {}
  if settings.dols == nil and next(settings) ~= nil then
    return { dols = settings }
  end
  if settings.dols == nil then
    return { dols = {} }
  end
  return settings
end

-- `before_init` for every client: the server reads its settings from `initializationOptions`
-- at start-up (and from `workspace/didChangeConfiguration` afterwards), so the first
-- diagnostics already use them.
function M.before_init(params, config)
  if params.initializationOptions == nil and config.settings ~= nil then
    params.initializationOptions = config.settings
  end
end

return M
