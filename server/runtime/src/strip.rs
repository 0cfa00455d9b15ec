//! TypeScript → JavaScript by blanking: every piece of type-only syntax is replaced with spaces
//! of the same byte length (line breaks inside it are kept), so every remaining token stays at
//! its original line and column and the result needs no source map.
//!
//! Syntax that has runtime meaning and cannot be blanked (enums, namespaces with values,
//! parameter properties, `import x = require()`, `export =`) is reported as an error at its
//! position rather than translated.

use std::collections::HashSet;

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType, Span};

/// A stripping failure with a 1-based line and column in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for StripError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}:{})", self.message, self.line, self.column)
    }
}

/// 1-based line and column (in UTF-16 code units, as JavaScript engines count) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].encode_utf16().count() as u32 + 1;
    (line, col)
}

/// Strips the types of a TypeScript module. The output has the same length in bytes and the
/// same line breaks as `source`.
pub fn strip_types(source: &str) -> Result<String, StripError> {
    let allocator = Allocator::default();
    let ret = Parser::new(&allocator, source, SourceType::ts()).parse();
    if let Some(d) = ret.diagnostics.errors().next() {
        let offset = d.labels.first().map_or(0, |l| l.offset());
        let (line, column) = line_col(source, offset as usize);
        return Err(StripError {
            message: format!("syntax error: {}", d.message),
            line,
            column,
        });
    }
    let mut v = Stripper {
        src: source,
        blanks: Vec::new(),
        used: HashSet::new(),
        error: None,
    };
    v.visit_program(&ret.program);
    if let Some((message, offset)) = v.error {
        let (line, column) = line_col(source, offset as usize);
        return Err(StripError {
            message,
            line,
            column,
        });
    }
    // Imports whose bindings are only used as types are elided, as TypeScript does.
    for stmt in &ret.program.body {
        if let Statement::ImportDeclaration(decl) = stmt {
            if decl.import_kind.is_type() {
                continue;
            }
            v.elide_unused_imports(decl);
        }
    }
    let mut out = source.as_bytes().to_vec();
    for span in &v.blanks {
        for b in &mut out[span.start as usize..span.end as usize] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Blanked ranges start and end on character boundaries, so the bytes stay valid UTF-8. A
    // multi-byte character inside type syntax (a string literal type) becomes several spaces,
    // which keeps byte offsets but moves later columns on that line in UTF-16 terms.
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

struct Stripper<'s> {
    src: &'s str,
    blanks: Vec<Span>,
    /// Names referenced in value positions (identifier references, export specifiers).
    used: HashSet<String>,
    error: Option<(String, u32)>,
}

impl<'s> Stripper<'s> {
    fn blank(&mut self, span: Span) {
        if span.start < span.end {
            self.blanks.push(span);
        }
    }

    fn unsupported(&mut self, what: &str, at: u32) {
        if self.error.is_none() {
            self.error = Some((
                format!(
                    "{what} is not supported by `dols test` (it has runtime semantics and cannot be stripped)"
                ),
                at,
            ));
        }
    }

    /// Blanks a `?` or `!` directly before `pos` (skipping whitespace).
    fn blank_marker_before(&mut self, pos: u32) {
        let bytes = self.src.as_bytes();
        let mut i = pos as usize;
        while i > 0 && bytes[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        if i > 0 && (bytes[i - 1] == b'?' || bytes[i - 1] == b'!') {
            self.blank(Span::new(i as u32 - 1, i as u32));
        }
    }

    /// Blanks `span` and a comma that follows it (skipping whitespace).
    fn blank_with_comma(&mut self, span: Span) {
        let bytes = self.src.as_bytes();
        let mut end = span.end as usize;
        while end < bytes.len() && bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        if end < bytes.len() && bytes[end] == b',' {
            self.blank(Span::new(span.start, end as u32 + 1));
        } else {
            self.blank(span);
        }
    }

    /// Blanks TypeScript-only modifier keywords at the start of a class member.
    fn blank_modifiers(&mut self, start: u32) {
        const TS_ONLY: [&str; 7] = [
            "public",
            "private",
            "protected",
            "readonly",
            "override",
            "abstract",
            "declare",
        ];
        const KEEP: [&str; 3] = ["static", "async", "accessor"];
        let bytes = self.src.as_bytes();
        let mut i = start as usize;
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let word_end = (i..bytes.len())
                .find(|&j| {
                    !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'$')
                })
                .unwrap_or(bytes.len());
            let word = &self.src[i..word_end];
            // A modifier is followed by more of the member, not by `(`, `=`, `:`, `;`, `?`, `!`, `<`.
            let mut k = word_end;
            while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                k += 1;
            }
            let continues = k < bytes.len()
                && !matches!(
                    bytes[k],
                    b'(' | b'=' | b':' | b';' | b'?' | b'!' | b'<' | b'}' | b','
                );
            if !continues || word.is_empty() {
                return;
            }
            if TS_ONLY.contains(&word) {
                self.blank(Span::new(i as u32, word_end as u32));
            } else if !KEEP.contains(&word) {
                return;
            }
            i = word_end;
        }
    }

    fn elide_unused_imports(&mut self, decl: &ImportDeclaration<'_>) {
        let Some(specs) = &decl.specifiers else {
            return;
        };
        if specs.is_empty() {
            return;
        }
        let unused: Vec<bool> = specs
            .iter()
            .map(|s| match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    s.import_kind.is_type() || !self.used.contains(s.local.name.as_str())
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    !self.used.contains(s.local.name.as_str())
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    !self.used.contains(s.local.name.as_str())
                }
            })
            .collect();
        if unused.iter().all(|u| *u) {
            self.blank(decl.span);
            return;
        }
        for (s, unused) in specs.iter().zip(unused) {
            if !unused {
                continue;
            }
            match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => self.blank_with_comma(s.span),
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    self.blank_with_comma(s.span)
                }
                // `* as ns` cannot be removed next to others without leaving a dangling comma.
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(_) => {}
            }
        }
    }
}

impl<'a> Visit<'a> for Stripper<'_> {
    fn visit_ts_type_annotation(&mut self, it: &TSTypeAnnotation<'a>) {
        self.blank_marker_before(it.span.start);
        self.blank(it.span);
    }
    fn visit_ts_type_parameter_declaration(&mut self, it: &TSTypeParameterDeclaration<'a>) {
        self.blank(it.span);
    }
    fn visit_ts_type_parameter_instantiation(&mut self, it: &TSTypeParameterInstantiation<'a>) {
        self.blank(it.span);
    }
    fn visit_ts_this_parameter(&mut self, it: &TSThisParameter<'a>) {
        self.blank_with_comma(it.span);
    }
    fn visit_ts_as_expression(&mut self, it: &TSAsExpression<'a>) {
        self.blank(Span::new(it.expression.span().end, it.span.end));
        self.visit_expression(&it.expression);
    }
    fn visit_ts_satisfies_expression(&mut self, it: &TSSatisfiesExpression<'a>) {
        self.blank(Span::new(it.expression.span().end, it.span.end));
        self.visit_expression(&it.expression);
    }
    fn visit_ts_non_null_expression(&mut self, it: &TSNonNullExpression<'a>) {
        self.blank(Span::new(it.span.end - 1, it.span.end));
        self.visit_expression(&it.expression);
    }
    fn visit_ts_type_assertion(&mut self, it: &TSTypeAssertion<'a>) {
        self.blank(Span::new(it.span.start, it.expression.span().start));
        self.visit_expression(&it.expression);
    }
    fn visit_ts_index_signature(&mut self, it: &TSIndexSignature<'a>) {
        self.blank(it.span);
    }
    fn visit_ts_enum_declaration(&mut self, it: &TSEnumDeclaration<'a>) {
        if it.declare {
            self.blank(it.span);
        } else {
            self.unsupported("`enum`", it.span.start);
        }
    }
    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        self.used.insert(it.name.to_string());
    }

    fn visit_statement(&mut self, it: &Statement<'a>) {
        match it {
            Statement::TSInterfaceDeclaration(d) => self.blank(d.span),
            Statement::TSTypeAliasDeclaration(d) => self.blank(d.span),
            Statement::TSNamespaceDeclaration(d) => {
                if d.declare {
                    self.blank(d.span)
                } else {
                    self.unsupported("`namespace`", d.span.start)
                }
            }
            Statement::TSExternalModuleDeclaration(d) => self.blank(d.span),
            Statement::TSGlobalDeclaration(d) => self.blank(d.span),
            Statement::TSImportEqualsDeclaration(d) => {
                if d.import_kind.is_type() {
                    self.blank(d.span)
                } else {
                    self.unsupported("`import x = require(...)`", d.span.start)
                }
            }
            Statement::TSExportAssignment(d) => self.unsupported("`export =`", d.span.start),
            Statement::TSNamespaceExportDeclaration(d) => self.blank(d.span),
            Statement::ImportDeclaration(d) if d.import_kind.is_type() => self.blank(d.span),
            Statement::ExportNamedDeclaration(d) if d.export_kind.is_type() => self.blank(d.span),
            Statement::ExportFromDeclaration(d) if d.export_kind.is_type() => self.blank(d.span),
            Statement::ExportDeclaration(d) => {
                let type_only = match &d.declaration {
                    Declaration::TSInterfaceDeclaration(_)
                    | Declaration::TSTypeAliasDeclaration(_) => true,
                    Declaration::VariableDeclaration(v) => v.declare,
                    Declaration::FunctionDeclaration(f) => f.declare || f.body.is_none(),
                    Declaration::ClassDeclaration(c) => c.declare,
                    Declaration::TSEnumDeclaration(e) => e.declare,
                    Declaration::TSNamespaceDeclaration(m) => m.declare,
                    Declaration::TSExternalModuleDeclaration(_)
                    | Declaration::TSGlobalDeclaration(_) => true,
                    Declaration::TSImportEqualsDeclaration(_) => false,
                };
                if type_only {
                    self.blank(d.span);
                } else {
                    walk::walk_statement(self, it);
                }
            }
            Statement::ExportDefaultDeclaration(d) => {
                if let ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) = &d.declaration {
                    self.blank(d.span);
                    return;
                }
                if let ExportDefaultDeclarationKind::FunctionDeclaration(f) = &d.declaration
                    && f.body.is_none() {
                        self.blank(d.span);
                        return;
                    }
                walk::walk_statement(self, it);
            }
            Statement::VariableDeclaration(d) if d.declare => self.blank(d.span),
            Statement::FunctionDeclaration(f) if f.declare || f.body.is_none() => {
                self.blank(f.span)
            }
            Statement::ClassDeclaration(c) if c.declare => self.blank(c.span),
            _ => walk::walk_statement(self, it),
        }
    }

    fn visit_export_named_declaration(&mut self, it: &ExportNamedDeclaration<'a>) {
        for sp in &it.specifiers {
            if sp.export_kind.is_type() {
                self.blank_with_comma(sp.span);
            } else {
                self.used.insert(sp.local.name().to_string());
            }
        }
    }

    fn visit_export_from_declaration(&mut self, it: &ExportFromDeclaration<'a>) {
        for sp in &it.specifiers {
            if sp.export_kind.is_type() {
                self.blank_with_comma(sp.span);
            }
        }
    }

    fn visit_export_default_declaration(&mut self, it: &ExportDefaultDeclaration<'a>) {
        if let ExportDefaultDeclarationKind::Identifier(id) = &it.declaration {
            self.used.insert(id.name.to_string());
        }
        walk::walk_export_default_declaration(self, it);
    }

    fn visit_import_declaration(&mut self, _it: &ImportDeclaration<'a>) {
        // Handled after the walk, once every value use is known.
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        if it.r#abstract {
            // `abstract class` → blank the keyword, which precedes `class`.
            let text = &self.src
                [..it.span.start as usize + 20.min(self.src.len() - it.span.start as usize)];
            if let Some(pos) = text[it.span.start as usize..].find("abstract") {
                let s = it.span.start + pos as u32;
                self.blank(Span::new(s, s + 8));
            }
        }
        if let (Some(first), Some(last)) = (it.implements.first(), it.implements.last()) {
            let head = &self.src[..first.span.start as usize];
            if let Some(pos) = head.rfind("implements") {
                self.blank(Span::new(pos as u32, last.span.end));
            }
        }
        for d in &it.decorators {
            self.visit_decorator(d);
        }
        if let Some(id) = &it.id {
            self.visit_binding_identifier(id);
        }
        if let Some(tp) = &it.type_parameters {
            self.blank(tp.span);
        }
        if let Some(h) = &it.heritage {
            self.visit_expression(&h.expression);
            if let Some(ta) = &h.type_arguments {
                self.blank(ta.span);
            }
        }
        for el in &it.body.body {
            self.visit_class_element(el);
        }
    }

    fn visit_class_element(&mut self, it: &ClassElement<'a>) {
        match it {
            ClassElement::MethodDefinition(m) => {
                if m.value.body.is_none()
                    || m.r#type == MethodDefinitionType::TSAbstractMethodDefinition
                {
                    self.blank(m.span);
                    return;
                }
                self.blank_modifiers(m.span.start);
                if m.optional {
                    self.unsupported("an optional method (`m?()`)", m.span.start);
                }
                if m.kind == MethodDefinitionKind::Constructor {
                    for p in &m.value.params.items {
                        if p.accessibility.is_some() || p.readonly || p.r#override {
                            self.unsupported("a parameter property (`constructor(private x)`); assign `this.x = x` instead", p.span.start);
                        }
                    }
                }
                walk::walk_method_definition(self, m);
            }
            ClassElement::PropertyDefinition(p) => {
                if p.declare || p.r#type == PropertyDefinitionType::TSAbstractPropertyDefinition {
                    self.blank(p.span);
                    return;
                }
                self.blank_modifiers(p.span.start);
                if p.type_annotation.is_none() && (p.optional || p.definite) {
                    // `x?;` / `x!;` without a type: blank the marker after the key.
                    self.blank_marker_before(
                        p.value.as_ref().map_or(p.span.end, |v| v.span().start),
                    );
                }
                walk::walk_property_definition(self, p);
            }
            ClassElement::TSIndexSignature(s) => self.blank(s.span),
            ClassElement::AccessorProperty(a) => {
                self.blank_modifiers(a.span.start);
                walk::walk_accessor_property(self, a);
            }
            ClassElement::StaticBlock(_) => walk::walk_class_element(self, it),
        }
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        walk::walk_variable_declarator(self, it);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_shape(a: &str, b: &str) {
        assert_eq!(a.len(), b.len(), "length changed:\n{a}\n---\n{b}");
        let la: Vec<usize> = a.match_indices('\n').map(|(i, _)| i).collect();
        let lb: Vec<usize> = b.match_indices('\n').map(|(i, _)| i).collect();
        assert_eq!(la, lb, "line breaks moved");
    }

    #[track_caller]
    fn check(ts: &str, expected: &str) {
        let out = strip_types(ts).unwrap();
        same_shape(ts, &out);
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squeeze(&out), squeeze(expected), "\nfull output:\n{out}");
    }

    #[test]
    fn annotations_generics_and_declarations() {
        check(
            "interface A { x: number }\ntype B = string | number;\nfunction f<T>(a: T, b?: number): T { return a; }\nlet y: B = f<number>(1) as number;\nconst z = y!;\n",
            "function f(a, b) { return a; }\nlet y = f(1);\nconst z = y;",
        );
    }

    #[test]
    fn classes() {
        check(
            "abstract class Base<T> implements I, J {\n  private readonly a: number = 1;\n  declare b: string;\n  static c?: number;\n  protected abstract m(): void;\n  public async run(this: Base<T>, x: T): Promise<void> {}\n  [key: string]: unknown;\n}\nclass D extends Base<string> { override readonly e!: number; }\n",
            "class Base {\n  a = 1;\n static c;\n async run(x) {}\n}\nclass D extends Base { e; }",
        );
    }

    #[test]
    fn type_only_imports_and_exports_are_removed() {
        check(
            "import type { X } from './x';\nimport { type Y, z, Env } from './y';\nexport type { X };\nexport interface Q {}\nlet e: Env;\nexport default z satisfies number;\n",
            "import { z, } from './y';\nlet e;\nexport default z;",
        );
    }

    #[test]
    fn unsupported_syntax_is_reported_at_its_position() {
        let err = strip_types("let a = 1;\n  enum E { A }\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 3));
        assert!(err.message.contains("enum"), "{err}");
        let err = strip_types("class A {\n  constructor(private x: number) {}\n}\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 15));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = strip_types("let a = ;\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.starts_with("syntax error"), "{err}");
    }

    #[test]
    fn line_col_counts_utf16() {
        assert_eq!(line_col("a\nbé😀c", "a\nbé😀".len()), (2, 5));
    }
}
