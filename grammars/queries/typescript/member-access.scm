; Property accesses `receiver.member`, as the analysis scans them for API uses that depend
; on the class's configuration (for example `storage.sql` on a key-value-backed class).
(member_expression
  object: (_) @receiver
  property: (property_identifier) @member) @access
