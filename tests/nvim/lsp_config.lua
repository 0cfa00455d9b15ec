-- Checks the configurations that start dols without the plugin's setup(): `lsp/dols.lua`
-- through Neovim 0.11+'s vim.lsp.config / vim.lsp.enable (for real: the server must attach
-- and publish a diagnostic), and the root_dir of the nvim-lspconfig definition
-- (`lua/dols/lspconfig.lua`, called directly: nvim-lspconfig itself is not needed for that).
--
-- tests/nvim/main.rs runs it as `nvim --headless --clean -S tests/nvim/lsp_config.lua` from
-- the project directory.
--
-- Environment:
--   DOLS_BIN             the dols binary (required)
--   DOLS_E2E_PROJECT     a copy of docs/examples/counter with src/index.ts broken (required)
--   DOLS_PLUGIN_DIR      editors/nvim (required)
--   DOLS_E2E_OUT         where to write the JSON result (required)
--   DOLS_E2E_TIMEOUT_MS  optional: how long each wait may take (default 15000)
--
-- Result: { "nvim", "source_attached", "source_root", "diagnostic_codes": [...],
--   "package_json_attached", "lspconfig_roots": { "<file>": root or null }, "error" }

-- The helpers every test script shares, from this script's directory.
local support = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/support.lua")
local required_env = support.required_env
local timeout_ms = support.timeout_ms

local result = {
  nvim = support.nvim_version(),
  source_attached = false,
  source_root = vim.NIL,
  diagnostic_codes = {},
  package_json_attached = vim.NIL,
  lspconfig_roots = {},
  error = vim.NIL,
}



local function dols_client(bufnr)
  return vim.lsp.get_clients({ name = "dols", bufnr = bufnr })[1]
end

local function main()
  local bin = required_env("DOLS_BIN")
  local project = vim.fn.fnamemodify(required_env("DOLS_E2E_PROJECT"), ":p"):gsub("/$", "")
  vim.opt.runtimepath:prepend(required_env("DOLS_PLUGIN_DIR"))
  vim.cmd("filetype on")

  -- The nvim-lspconfig definition's root_dir, on files in and around the project.
  local lspconfig = require("dols.lspconfig").default_config
  for _, rel in ipairs({ "src/index.ts", "wrangler.jsonc", "package.json", "tsconfig.json" }) do
    local root = lspconfig.root_dir(project .. "/" .. rel)
    result.lspconfig_roots[rel] = root or vim.NIL
  end
  local outside = vim.fn.fnamemodify(project .. "/..", ":p") .. "elsewhere.ts"
  result.lspconfig_roots["../elsewhere.ts"] = lspconfig.root_dir(outside) or vim.NIL

  -- lsp/dols.lua through vim.lsp.config, with only the command changed.
  vim.lsp.config("dols", { cmd = { bin, "lsp" } })
  vim.lsp.enable("dols")

  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/src/index.ts"))
  local source = vim.api.nvim_get_current_buf()
  if not vim.wait(timeout_ms, function()
    local client = dols_client(source)
    return client ~= nil and client.initialized
  end, 20) then
    error("dols did not attach to src/index.ts through vim.lsp.enable", 0)
  end
  result.source_attached = true
  result.source_root = dols_client(source).config.root_dir or vim.NIL
  if not vim.wait(timeout_ms, function()
    return #vim.diagnostic.get(source) > 0
  end, 20) then
    error("no diagnostic on src/index.ts", 0)
  end
  for _, d in ipairs(vim.diagnostic.get(source)) do
    table.insert(result.diagnostic_codes, d.code or vim.NIL)
  end

  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/package.json"))
  local package_json = vim.api.nvim_get_current_buf()
  vim.wait(300)
  result.package_json_attached = dols_client(package_json) ~= nil
end

support.finish("lsp_config.lua", result, main)
