-- dols for Neovim 0.11+'s built-in configurations: with this directory on the runtimepath,
--
--   vim.lsp.config("dols", { settings = { dols = { lint = { ["stub-call-not-awaited"] = "error" } } } })
--   vim.lsp.enable("dols")
--
-- starts `dols lsp` for sources, wrangler configs and `dols.toml` inside a wrangler project
-- (one server per project). Buffers outside a project, and other JSON or TOML files, are
-- left alone.

local config = require("dols.config")

return {
  cmd = { "dols", "lsp" },
  filetypes = config.filetypes,
  root_dir = function(bufnr, on_dir)
    local root = config.root_for_buffer(bufnr)
    if root ~= nil then
      on_dir(root)
    end
  end,
  settings = { dols = {} },
  before_init = config.before_init,
}
