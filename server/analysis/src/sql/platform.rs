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


/// Why the platform refuses a statement (its authorizer answers `not authorized`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denial {
    Pragma(String),
    Reserved(String),
    Attach,
    Temp,
    Transaction,
    VirtualModule(String),
    /// A function the platform blocks (`load_extension`, `sqlite_version`, …).
    Function(String),
}

/// SQL functions the platform's authorizer refuses.
pub const BLOCKED_FUNCTIONS: [&str; 6] = [
    "sqlite_version",
    "sqlite_source_id",
    "sqlite_compileoption_get",
    "sqlite_compileoption_used",
    "sqlite_offset",
    "load_extension",
];

/// Virtual table modules Durable Object storage offers.
const VIRTUAL_MODULES: [&str; 4] = ["fts5", "fts5vocab", "rtree", "rtree_i32"];

fn reserved(names: &[&str]) -> Result<(), Denial> {
    match names.iter().find(|n| is_reserved(n)) {
        Some(n) => Err(Denial::Reserved((*n).to_string())),
        None => Ok(()),
    }
}

/// The platform's authorizer: what a user statement may do.
pub fn authorize(ctx: &rusqlite::hooks::AuthContext<'_>) -> Result<(), Denial> {
    use rusqlite::hooks::AuthAction as A;
    // Temporary objects are refused by their own actions below; SQLite's internal statements
    // may still touch the temp schema (ALTER TABLE … RENAME updates its triggers), which is fine.
    match ctx.action {
        A::Attach { .. } | A::Detach { .. } => Err(Denial::Attach),
        A::Transaction { .. } | A::Savepoint { .. } => Err(Denial::Transaction),
        A::CreateTempIndex { .. }
        | A::CreateTempTable { .. }
        | A::CreateTempTrigger { .. }
        | A::CreateTempView { .. }
        | A::DropTempIndex { .. }
        | A::DropTempTable { .. }
        | A::DropTempTrigger { .. }
        | A::DropTempView { .. } => Err(Denial::Temp),
        A::Pragma { pragma_name, pragma_value } => {
            if pragma_allowed(pragma_name, pragma_value) {
                Ok(())
            } else {
                Err(Denial::Pragma(pragma_name.to_string()))
            }
        }
        A::Function { function_name } if BLOCKED_FUNCTIONS.iter().any(|f| f.eq_ignore_ascii_case(function_name)) => {
            Err(Denial::Function(function_name.to_ascii_lowercase()))
        }
        A::CreateVtable { table_name, module_name } | A::DropVtable { table_name, module_name } => {
            reserved(&[table_name])?;
            if VIRTUAL_MODULES.contains(&module_name.to_ascii_lowercase().as_str()) {
                Ok(())
            } else {
                Err(Denial::VirtualModule(module_name.to_string()))
            }
        }
        A::CreateIndex { index_name, table_name } | A::DropIndex { index_name, table_name } => reserved(&[index_name, table_name]),
        A::CreateTrigger { trigger_name, table_name } | A::DropTrigger { trigger_name, table_name } => {
            reserved(&[trigger_name, table_name])
        }
        A::CreateTable { table_name }
        | A::DropTable { table_name }
        | A::Insert { table_name }
        | A::Delete { table_name }
        | A::Read { table_name, .. }
        | A::Update { table_name, .. }
        | A::AlterTable { table_name, .. }
        | A::Analyze { table_name } => reserved(&[table_name]),
        A::CreateView { view_name } | A::DropView { view_name } => reserved(&[view_name]),
        _ => Ok(()),
    }
}
