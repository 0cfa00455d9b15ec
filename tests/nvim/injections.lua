-- Checks the SQL injection queries of grammars/queries against real tree-sitter parsers in a
-- real Neovim (0.10 or later): the plugin puts the queries on the runtimepath, Neovim's own
-- injection machinery reads them, and the SQL regions it computes must be exactly the strings
-- the fixtures mark.
--
-- No SQL parser is needed: the language "sql" is registered with the TypeScript parser, so
-- that Neovim builds the injected trees and reports their regions.
--
-- tests/nvim/main.rs runs it as `nvim --headless --clean -S tests/nvim/injections.lua`.
--
-- Environment:
--   DOLS_PLUGIN_DIR       editors/nvim (required)
--   DOLS_FIXTURES         tests/nvim/injections (required)
--   DOLS_TS_PARSER        the compiled TypeScript parser, a shared library (required)
--   DOLS_TSX_PARSER       the compiled TSX parser (required)
--   DOLS_JS_PARSER        optional: a compiled JavaScript parser; without it the javascript
--                         queries are read with the TypeScript parser, whose grammar names
--                         the nodes they use alike
--   DOLS_E2E_OUT          where to write the JSON result (required)
--
-- Result: { "nvim": "...", "files": { "example.ts": { "language", "parser", "expected": [texts],
--   "injected": [texts], "rows": [rows] }, ... }, "error": null or "what went wrong" }

-- The helpers every test script shares, from this script's directory.
local support = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/support.lua")
local required_env = support.required_env

local result = { nvim = support.nvim_version(), files = {}, error = vim.NIL }


-- The text between the quotes of the string that starts at or after (row, 0): the first `"`,
-- `'` or backquote from there, up to the matching unescaped one.
local function literal_after(lines, row)
  local r, c = row + 1, 1
  local quote
  while r <= #lines do
    local line = lines[r]
    local at = line:find("[\"'`]", c)
    local comment = line:find("//", c, true)
    if at ~= nil and (comment == nil or at < comment) then
      quote = line:sub(at, at)
      c = at + 1
      break
    end
    r, c = r + 1, 1
  end
  if quote == nil then
    error("no string after the marked row " .. row, 0)
  end
  local parts = {}
  while r <= #lines do
    local line = lines[r]
    local i = c
    while i <= #line do
      local ch = line:sub(i, i)
      if ch == "\\" then
        i = i + 2
      elseif ch == quote then
        table.insert(parts, line:sub(c, i - 1))
        return table.concat(parts, "\n")
      else
        i = i + 1
      end
    end
    table.insert(parts, line:sub(c))
    r, c = r + 1, 1
  end
  error("unterminated string after the marked row " .. row, 0)
end

local function check_file(path, language)
  local bufnr = vim.fn.bufadd(path)
  vim.fn.bufload(bufnr)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)

  local expected, marked_rows = {}, {}
  for i, line in ipairs(lines) do
    if line:match("// injected$") then
      table.insert(expected, literal_after(lines, i - 1))
      table.insert(marked_rows, i - 1)
    end
  end
  if #expected == 0 then
    error(path .. " marks no string", 0)
  end

  -- Fails when the query does not compile against the grammar.
  local query = vim.treesitter.query.get(language, "injections")
  if query == nil then
    error("no injections query for " .. language .. " on the runtimepath", 0)
  end

  local parser = vim.treesitter.get_parser(bufnr, language)
  parser:parse(true)
  local injected, rows = {}, {}
  local child = parser:children().sql
  if child ~= nil then
    for _, region in ipairs(child:included_regions()) do
      for _, range in ipairs(region) do
        -- { start_row, start_col, start_byte, end_row, end_col, end_byte }
        local sr, sc, er, ec = range[1], range[2], range[4], range[5]
        if #range == 4 then
          sr, sc, er, ec = range[1], range[2], range[3], range[4]
        end
        local text = table.concat(vim.api.nvim_buf_get_text(bufnr, sr, sc, er, ec, {}), "\n")
        table.insert(injected, text)
        table.insert(rows, sr)
      end
    end
  end
  return { language = language, expected = expected, marked_rows = marked_rows, injected = injected, rows = rows }
end

local function main()
  vim.opt.runtimepath:prepend(required_env("DOLS_PLUGIN_DIR"))
  -- Only the queries: setup() starts nothing for buffers outside a wrangler project.
  require("dols").setup({ binary = "dols-not-started" })

  local ts = required_env("DOLS_TS_PARSER")
  local tsx = required_env("DOLS_TSX_PARSER")
  local js = os.getenv("DOLS_JS_PARSER")
  vim.treesitter.language.add("typescript", { path = ts })
  vim.treesitter.language.add("tsx", { path = tsx })
  if js ~= nil and js ~= "" then
    vim.treesitter.language.add("javascript", { path = js })
  else
    vim.treesitter.language.add("javascript", { path = ts, symbol_name = "typescript" })
  end
  vim.treesitter.language.add("sql", { path = ts, symbol_name = "typescript" })

  local fixtures = required_env("DOLS_FIXTURES")
  for name, language in pairs({ ["example.ts"] = "typescript", ["example.tsx"] = "tsx", ["example.js"] = "javascript" }) do
    local file = check_file(fixtures .. "/" .. name, language)
    file.parser = (language == "javascript" and (js == nil or js == "")) and "typescript" or language
    result.files[name] = file
  end
end

support.finish("injections.lua", result, main)
