-- dols as an nvim-lspconfig server configuration:
--
--   local configs = require("lspconfig.configs")
--   if not configs.dols then
--     configs.dols = require("dols.lspconfig")
--   end
--   require("lspconfig").dols.setup({ settings = { dols = { sql = { exclude = { "test/**" } } } } })
--
-- Works with the nvim-lspconfig releases that still offer `require("lspconfig")`.

local config = require("dols.config")

return {
  default_config = {
    cmd = { "dols", "lsp" },
    filetypes = config.filetypes,
    root_dir = function(fname, bufnr)
      -- Without a buffer, the file name decides (see config.wants_file).
      local filetype = bufnr and vim.api.nvim_buf_is_valid(bufnr) and vim.bo[bufnr].filetype or nil
      return config.root_for_file(fname, filetype)
    end,
    single_file_support = false,
    settings = { dols = {} },
    before_init = config.before_init,
  },
  docs = {
    description = [[
dols: a language server for Cloudflare Workers with SQLite-backed Durable Objects. It serves
the TypeScript and JavaScript sources, the wrangler config and `dols.toml` of a project whose
root holds `wrangler.jsonc`, `wrangler.json` or `wrangler.toml`.
]],
  },
}
