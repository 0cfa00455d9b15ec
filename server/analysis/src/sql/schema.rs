//! A class's shadow schema as data: what `sqlite_schema` and the table pragmas say after the
//! class's DDL has been replayed. Hover, completion, `dols schema` and its JSON read this.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    Table,
    /// `CREATE VIRTUAL TABLE … USING fts5 / rtree …`.
    Virtual,
    View,
    Index,
    Trigger,
}

impl ObjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Table => "table",
            ObjectKind::Virtual => "virtual table",
            ObjectKind::View => "view",
            ObjectKind::Index => "index",
            ObjectKind::Trigger => "trigger",
        }
    }
    /// Tables, virtual tables and views: what a query can read from.
    pub fn is_relation(self) -> bool {
        matches!(self, ObjectKind::Table | ObjectKind::Virtual | ObjectKind::View)
    }
}

/// One schema object, in the order SQLite created it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemaObject {
    pub kind: ObjectKind,
    pub name: String,
    /// The table an index or trigger belongs to (the object itself for tables and views).
    pub table: String,
    /// The statement as SQLite stores it in `sqlite_schema`.
    pub sql: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexInfo>,
    /// Which statement of the class's DDL (by position) created it, when known.
    #[serde(skip)]
    pub created_by: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    /// The declared type as written (`INTEGER`, `TEXT`, empty when none).
    #[serde(rename = "type")]
    pub decl_type: String,
    pub not_null: bool,
    /// The DEFAULT expression as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// 1-based position in the primary key; 0 when not part of it.
    pub primary_key: u32,
    /// Covered alone by a UNIQUE constraint or index.
    pub unique: bool,
    /// A hidden column of a virtual table, or a generated column.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// Which statement of the class's DDL (by position) added it, when known.
    #[serde(skip)]
    pub added_by: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub table: String,
    /// The referenced columns; empty means the referenced table's primary key.
    pub references: Vec<String>,
    pub on_update: String,
    pub on_delete: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexInfo {
    pub name: String,
    pub unique: bool,
    /// `c` (CREATE INDEX), `u` (UNIQUE constraint) or `pk` (PRIMARY KEY).
    pub origin: String,
    pub columns: Vec<String>,
}

/// The objects of a shadow database after the replay (SQLite's own tables and the shadow
/// tables of virtual tables left out).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Schema {
    pub objects: Vec<SchemaObject>,
    /// The DDL statements replayed, in order (what `created_by` and `added_by` point at).
    #[serde(skip)]
    pub ddl: Vec<String>,
}

impl Schema {
    /// A table, virtual table or view by name (SQLite names are case-insensitive).
    pub fn relation(&self, name: &str) -> Option<&SchemaObject> {
        self.objects.iter().find(|o| o.kind.is_relation() && o.name.eq_ignore_ascii_case(name))
    }

    pub fn relations(&self) -> impl Iterator<Item = &SchemaObject> {
        self.objects.iter().filter(|o| o.kind.is_relation())
    }
}

impl SchemaObject {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The foreign key that starts at a single column, if any.
    pub fn foreign_key_of(&self, column: &str) -> Option<&ForeignKey> {
        self.foreign_keys.iter().find(|f| f.columns.iter().any(|c| c.eq_ignore_ascii_case(column)))
    }
}

impl Column {
    /// `INTEGER NOT NULL PRIMARY KEY DEFAULT 0`: the type and constraints, as one line.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.decl_type.is_empty() {
            parts.push(self.decl_type.clone());
        }
        if self.primary_key > 0 {
            parts.push("PRIMARY KEY".to_string());
        }
        if self.not_null {
            parts.push("NOT NULL".to_string());
        }
        if self.unique && self.primary_key == 0 {
            parts.push("UNIQUE".to_string());
        }
        if let Some(d) = &self.default {
            parts.push(format!("DEFAULT {d}"));
        }
        if self.hidden {
            parts.push("HIDDEN".to_string());
        }
        parts.join(" ")
    }
}
