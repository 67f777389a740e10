-- neovim_client.lua - Neovim's built-in LSP client (headless) against `missionc lsp`.
-- Environment: MISSIONC (the server), MISSION_FILE (a file with errors), RESULTS (where
-- to write what the client saw, as JSON). Works with Neovim 0.7 (Debian 12) and later.
local missionc, file, out = os.getenv('MISSIONC'), os.getenv('MISSION_FILE'), os.getenv('RESULTS')
local results = {}

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  -- no client-side debounce (0.7 waits 150 ms by default), to time the server
  local id = vim.lsp.start_client({ name = 'missionc', cmd = { missionc, 'lsp' }, flags = { debounce_text_changes = 0 },
                                    root_dir = vim.fn.fnamemodify(file, ':h') })
  vim.lsp.buf_attach_client(buf, id)
  results.attached = vim.wait(10000, function()
    local c = vim.lsp.get_client_by_id(id)
    return c ~= nil and c.initialized
  end, 20)

  -- diagnostics of the file as opened
  local t0 = vim.loop.hrtime()
  results.got_diagnostics = vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 5)
  results.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(results.diagnostics, { code = d.code, lnum = d.lnum, col = d.col, message = d.message })
  end

  local uri = vim.uri_from_bufnr(buf)
  local function request(method, params)
    local res = vim.lsp.buf_request_sync(buf, method, params, 10000)
    for _, r in pairs(res or {}) do return r.result, r.error end
  end
  local at_use = { textDocument = { uri = uri }, position = { line = 8, character = 46 } }
  local hover = request('textDocument/hover', at_use)
  results.hover = hover and hover.contents.value or vim.NIL
  local def = request('textDocument/definition', at_use)
  results.definition_line = def and def.range.start.line or vim.NIL
  local comp = request('textDocument/completion', { textDocument = { uri = uri }, position = { line = 8, character = 46 } })
  results.completion = {}
  for _, item in ipairs(comp and comp.items or {}) do table.insert(results.completion, item.label) end

  -- type the fix: the client sends didChange, the server publishes new diagnostics
  vim.api.nvim_buf_set_lines(buf, 3, 4, false, { '  owner  ec' })
  t0 = vim.loop.hrtime()
  results.fixed = vim.wait(10000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'E0201' then return false end
    end
    return true
  end, 1)
  results.fix_ms = (vim.loop.hrtime() - t0) / 1e6

  -- rename through a workspace edit applied by Neovim itself
  local edit = request('textDocument/rename', { textDocument = { uri = uri }, position = { line = 7, character = 7 },
                                                newName = 'commission' })
  if edit then vim.lsp.util.apply_workspace_edit(edit, 'utf-16') end
  results.after_rename = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  vim.lsp.stop_client(id)
  results.stopped = vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 20)
end)
if not ok then results.error = tostring(err) end
finish()
