//! A format-neutral tree of config values with byte ranges, which the JSONC and TOML front ends
//! build, and the reader that turns it into a [`WranglerConfig`] while noting what wrangler's
//! own validation would refuse (errors) or warn about.

use std::collections::HashMap;

use super::{
    ConfigFormat, ConfigProblem, DoBinding, ExportEntry, Migration, RenamedClass, Spanned,
    TransferredClass, WranglerConfig,
};
use crate::diagnostics::Severity;
use crate::text::TextRange;

const INVALID: &str = "config-invalid";
const UNEXPECTED_FIELD: &str = "config-unexpected-field";

/// One value of the config file.
pub(super) struct Node {
    pub kind: Kind,
    /// The whole value: for a TOML `[table]`, from its header to its last entry.
    pub range: TextRange,
    /// Where to point at the value as a whole: a TOML table's `[header]`, else `range`.
    pub head: TextRange,
}

pub(super) enum Kind {
    Str(String),
    Number,
    Bool,
    Null,
    Datetime,
    Array(Vec<Node>),
    Object(Vec<Prop>),
    /// A value the parser only recovered from a syntax error; never read, never judged.
    Invalid,
}

pub(super) struct Prop {
    pub key: String,
    pub key_range: TextRange,
    pub value: Node,
}

impl Node {
    fn props(&self) -> Option<&[Prop]> {
        match &self.kind {
            Kind::Object(props) => Some(props),
            _ => None,
        }
    }

    /// The property `key` of an object. When a key repeats (JSON allows it), the last one
    /// wins, as in JavaScript's `JSON.parse`.
    fn get(&self, key: &str) -> Option<&Prop> {
        self.props()?.iter().rev().find(|p| p.key == key)
    }

    fn string(&self) -> Option<Spanned<String>> {
        match &self.kind {
            Kind::Str(s) => Some(Spanned::new(s.clone(), self.range)),
            _ => None,
        }
    }
}

/// Reads the model out of a document's root value, and its problems.
pub(super) fn read(format: ConfigFormat, root: &Node, config: &mut WranglerConfig) {
    let mut reader = Reader {
        format,
        problems: Vec::new(),
    };
    if root.props().is_none() {
        return;
    }
    config.name = reader.optional_string(root, "name", "");
    config.main = reader.optional_string(root, "main", "");
    config.compatibility_date = reader.optional_string(root, "compatibility_date", "");
    if let Some(flags) = root.get("compatibility_flags") {
        config.compatibility_flags = reader.string_list(&flags.value, "compatibility_flags");
    }
    reader.durable_objects(root, None, &mut config.bindings);
    if let Some(m) = root.get("migrations") {
        config.migrations = reader.migrations(&m.value, "migrations");
    }
    if let Some(e) = root.get("exports") {
        config.exports = exports(&e.value);
    }
    if let Some(envs) = root.get("env").and_then(|e| e.value.props()) {
        for env in envs {
            if env.value.props().is_none() {
                continue;
            }
            reader.durable_objects(&env.value, Some(&env.key), &mut config.bindings);
            // An environment's own `migrations` replaces the top-level list when deploying that
            // environment; it is checked like the top-level one but not part of the model.
            if let Some(m) = env.value.get("migrations") {
                reader.migrations(&m.value, &format!("env.{}.migrations", env.key));
            }
        }
    }
    reader
        .problems
        .sort_by_key(|p| (p.range.start, p.range.end));
    config.problems = reader.problems;
}

struct Reader {
    format: ConfigFormat,
    problems: Vec<ConfigProblem>,
}

impl Reader {
    fn error(&mut self, range: TextRange, message: String) {
        self.problems.push(ConfigProblem {
            range,
            severity: Severity::Error,
            code: INVALID,
            message,
        });
    }

    fn unexpected_field(&mut self, prop: &Prop, field_path: &str) {
        self.problems.push(ConfigProblem {
            range: prop.key_range,
            severity: Severity::Warning,
            code: UNEXPECTED_FIELD,
            message: format!(
                "Unexpected fields found in {field_path} field: \"{}\"",
                prop.key
            ),
        });
    }

    /// "a string", "an array", …, in the words of the file's format.
    fn describe(&self, node: &Node) -> &'static str {
        match node.kind {
            Kind::Str(_) => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
            Kind::Datetime => "a date-time (write dates as quoted strings)",
            Kind::Array(_) => "an array",
            Kind::Object(_) => self.object_word(),
            Kind::Invalid => "an unreadable value",
        }
    }

    fn object_word(&self) -> &'static str {
        match self.format {
            ConfigFormat::Jsonc => "an object",
            ConfigFormat::Toml => "a table",
        }
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        if matches!(node.kind, Kind::Invalid) {
            return;
        }
        let found = self.describe(node);
        self.error(
            node.range,
            format!("\"{path}\" should be {expected}, but it is {found}"),
        );
    }

    /// An optional string field: `None` when absent or of another type (then noted).
    fn optional_string(&mut self, obj: &Node, key: &str, parent: &str) -> Option<Spanned<String>> {
        let prop = obj.get(key)?;
        let value = prop.value.string();
        if value.is_none() {
            self.wrong_type(&prop.value, &join(parent, key), "a string");
        }
        value
    }

    /// A required string field: absent or mistyped ones are noted.
    fn required_string(&mut self, obj: &Node, key: &str, parent: &str) -> Option<Spanned<String>> {
        if obj.get(key).is_none() {
            self.error(
                obj.head,
                format!("\"{parent}\" should have a string \"{key}\" field"),
            );
            return None;
        }
        self.optional_string(obj, key, parent)
    }

    fn string_list(&mut self, node: &Node, path: &str) -> Vec<Spanned<String>> {
        let Kind::Array(items) = &node.kind else {
            self.wrong_type(node, path, "an array of strings");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.string() {
                Some(s) => out.push(s),
                None => self.wrong_type(item, &format!("{path}[{i}]"), "a string"),
            }
        }
        out
    }

    /// The array items of `node`, each with its path, or `None` (noted) when it is no array.
    fn array<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Array(items) => Some(items),
            _ => {
                self.wrong_type(node, path, "an array");
                None
            }
        }
    }

    /// `item` when it is an object/table, else noted.
    fn object<'n>(&mut self, item: &'n Node, path: &str) -> Option<&'n Node> {
        if item.props().is_some() {
            Some(item)
        } else {
            let expected = self.object_word();
            self.wrong_type(item, path, expected);
            None
        }
    }

    fn durable_objects(&mut self, owner: &Node, env: Option<&str>, out: &mut Vec<DoBinding>) {
        let Some(prop) = owner.get("durable_objects") else {
            return;
        };
        let path = match env {
            Some(env) => format!("env.{env}.durable_objects"),
            None => "durable_objects".to_string(),
        };
        let Some(section) = self.object(&prop.value, &path) else {
            return;
        };
        let Some(bindings) = section.get("bindings") else {
            self.error(
                prop.key_range,
                format!("\"{path}\" is missing the required \"bindings\" field"),
            );
            return;
        };
        let Some(items) = self.array(&bindings.value, &format!("{path}.bindings")) else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}.bindings[{i}]");
            if let Some(binding) = self.binding(item, &item_path, env) {
                out.push(binding);
            }
        }
    }

    fn binding(&mut self, item: &Node, path: &str, env: Option<&str>) -> Option<DoBinding> {
        let obj = self.object(item, path)?;
        let name = self.required_string(obj, "name", path);
        let class_name = self.required_string(obj, "class_name", path);
        let script_name = self.optional_string(obj, "script_name", path);
        let environment = self.optional_string(obj, "environment", path);
        if let Some(environment) = obj.get("environment")
            && obj.get("script_name").is_none()
        {
            self.error(
                environment.key_range,
                format!(
                    "\"{path}\": binding should have a \"script_name\" field if \"environment\" is present"
                ),
            );
        }
        for prop in obj.props().unwrap_or_default() {
            if !["name", "class_name", "script_name", "environment"].contains(&prop.key.as_str()) {
                self.unexpected_field(prop, path);
            }
        }
        Some(DoBinding {
            name: name?,
            class_name: class_name?,
            script_name,
            environment,
            env: env.map(str::to_string),
            range: item.range,
        })
    }

    fn migrations(&mut self, node: &Node, path: &str) -> Vec<Migration> {
        let Some(items) = self.array(node, path) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut tags: HashMap<String, usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let Some(obj) = self.object(item, &item_path) else {
                continue;
            };
            let tag = self.required_string(obj, "tag", &item_path);
            if let Some(tag) = &tag {
                if let Some(&first) = tags.get(&tag.value) {
                    self.error(
                        tag.range,
                        format!(
                            "duplicate migration tag \"{}\": \"{path}[{first}]\" already uses it, and tags must be unique",
                            tag.value
                        ),
                    );
                } else {
                    tags.insert(tag.value.clone(), i);
                }
            }
            let mut migration = Migration {
                tag,
                range: item.range,
                ..Migration::default()
            };
            for prop in obj.props().unwrap_or_default() {
                if !MIGRATION_FIELDS.contains(&prop.key.as_str()) {
                    // Wrangler names the list, not the entry, in this warning.
                    self.unexpected_field(prop, "migrations");
                }
            }
            let list = |r: &mut Self, key: &str| match obj.get(key) {
                Some(p) => r.string_list(&p.value, &format!("{item_path}.{key}")),
                None => Vec::new(),
            };
            migration.new_sqlite_classes = list(self, "new_sqlite_classes");
            migration.new_classes = list(self, "new_classes");
            migration.deleted_classes = list(self, "deleted_classes");
            if let Some(p) = obj.get("renamed_classes") {
                let list_path = format!("{item_path}.renamed_classes");
                for (j, entry) in self
                    .array(&p.value, &list_path)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let entry_path = format!("{list_path}[{j}]");
                    let Some(entry) = self.object(entry, &entry_path) else {
                        continue;
                    };
                    let from = self.required_string(entry, "from", &entry_path);
                    let to = self.required_string(entry, "to", &entry_path);
                    if let (Some(from), Some(to)) = (from, to) {
                        migration.renamed_classes.push(RenamedClass { from, to });
                    }
                }
            }
            if let Some(p) = obj.get("transferred_classes") {
                let list_path = format!("{item_path}.transferred_classes");
                for (j, entry) in self
                    .array(&p.value, &list_path)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    let entry_path = format!("{list_path}[{j}]");
                    let Some(entry) = self.object(entry, &entry_path) else {
                        continue;
                    };
                    let from = self.required_string(entry, "from", &entry_path);
                    let from_script = self.optional_string(entry, "from_script", &entry_path);
                    let to = self.required_string(entry, "to", &entry_path);
                    if let (Some(from), Some(to)) = (from, to) {
                        migration.transferred_classes.push(TransferredClass {
                            from,
                            from_script,
                            to,
                        });
                    }
                }
            }
            out.push(migration);
        }
        out
    }
}

const MIGRATION_FIELDS: [&str; 6] = [
    "tag",
    "new_sqlite_classes",
    "new_classes",
    "renamed_classes",
    "deleted_classes",
    "transferred_classes",
];

/// The `durable-object` entries of the declarative `exports` map. The format is young, so
/// nothing here is judged; values of unexpected types are simply not read.
fn exports(node: &Node) -> Vec<ExportEntry> {
    let mut out = Vec::new();
    for prop in node.props().unwrap_or_default() {
        let entry = &prop.value;
        let is_do = entry
            .get("type")
            .and_then(|t| t.value.string())
            .is_some_and(|t| t.value == "durable-object");
        if !is_do {
            continue;
        }
        let field = |key: &str| entry.get(key).and_then(|p| p.value.string());
        out.push(ExportEntry {
            class: Spanned::new(prop.key.clone(), prop.key_range),
            storage: field("storage"),
            state: field("state"),
            renamed_to: field("renamed_to"),
            range: entry.range,
        });
    }
    out
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}
