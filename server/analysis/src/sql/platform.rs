//! The platform's SQLite rules that do not need a database: which PRAGMAs Durable Object
//! storage allows, and which names it reserves. Shared by the shadow schema (diagnostics) and
//! the embedded runtime (`dols test`), so that both refuse exactly the same statements.

/// Names Durable Object storage keeps for itself (`_cf_…`, any case).
pub fn is_reserved(name: &str) -> bool {
    name.len() >= 4 && name.as_bytes()[..4].eq_ignore_ascii_case(b"_cf_")
}

/// Whether `PRAGMA name[ = value | (value)]` passes the platform's allowlist.
pub fn pragma_allowed(name: &str, value: Option<&str>) -> bool {
    let name = name.to_ascii_lowercase();
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    let named = |v: Option<&str>| v.is_some_and(|v| !is_reserved(v.trim_matches(|c| c == '"' || c == '\'' || c == '`')));
    match name.as_str() {
        "table_list" | "data_version" | "page_size" => value.is_none(),
        "table_info" | "table_xinfo" | "foreign_key_list" | "index_list" | "index_info" | "index_xinfo" => named(value),
        "case_sensitive_like" | "foreign_keys" | "defer_foreign_keys" | "ignore_check_constraints"
        | "legacy_alter_table" | "recursive_triggers" | "reverse_unordered_selects" => value.is_none_or(is_boolean),
        "foreign_key_check" => value.is_none() || named(value),
        "quick_check" => value.is_none() || value.is_some_and(|v| v.parse::<u64>().is_ok()) || named(value),
        "optimize" => value.is_none_or(is_integer),
        _ => false,
    }
}

fn is_boolean(v: &str) -> bool {
    let v = v.trim().trim_matches(|c| c == '\'' || c == '"').trim().to_ascii_lowercase();
    ["true", "false", "yes", "no", "on", "off", "1", "0"].iter().any(|k| v.starts_with(k))
}

fn is_integer(v: &str) -> bool {
    let v = v.trim().trim_start_matches(['-', '+']);
    match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(h) => !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()),
        None => !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()),
    }
}

