; extends
;
; SQL inside the calls that dols checks, highlighted by the editor's SQL grammar. The same
; text is kept in typescript/, tsx/ and javascript/ (the three grammars name these nodes
; alike); the test suite checks that the copies agree.
;
; The quotes are left out of the SQL region (offset by one character at each end). In
; template literals the `${...}` parts stay inside it, so that the SQL around them reads as
; one statement.

; The query passed to `exec` on a SQL handle: a variable named `sql` or any expression that
; ends in `.sql` (`this.sql`, `ctx.storage.sql`, `this.ctx.storage.sql`). The query is the
; first argument; comments before it (`exec(/* sql */ "...")`) are passed over.
(call_expression
  function: (member_expression
    object: [
      (identifier) @_handle
      (member_expression
        property: (property_identifier) @_handle)
    ]
    property: (property_identifier) @_method)
  arguments: (arguments
    .
    (comment)*
    .
    [
      (string)
      (template_string)
    ] @injection.content)
  (#eq? @_handle "sql")
  (#eq? @_method "exec")
  (#offset! @injection.content 0 1 0 -1)
  (#set! injection.include-children)
  (#set! injection.language "sql"))

; Tagged templates whose tag is `sql` or ends in `.sql` (an Agent's `this.sql`).
(call_expression
  function: [
    (identifier) @_tag
    (member_expression
      property: (property_identifier) @_tag)
  ]
  arguments: (template_string) @injection.content
  (#eq? @_tag "sql")
  (#offset! @injection.content 0 1 0 -1)
  (#set! injection.include-children)
  (#set! injection.language "sql"))
