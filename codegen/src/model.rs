//! The semantic layer: one resolved model of one or more CSDL documents.
//!
//! [`Model::build`] merges the documents' schemas by namespace (a later
//! document is an overlay: an identical redefinition is reported as a
//! [`Warning`], a different one is an error), resolves every qualified or
//! aliased type name to a [`TypeId`], links base types and derived types,
//! attaches annotations (inline and from `<Annotations Target=…>` blocks) and
//! binds operations to their binding types. Every problem is collected with its
//! position; the model is returned only when there are none.
//!
//! Names here are CSDL names. Rust names are decided by `emit`.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::csdl::{
    self, Annotation, Document, Expression, OperationKind, Pos, SameContent, StructuredKind,
};
use crate::{Diagnostic, Errors, Warning};

/// Index of a type in [`Model::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// Index of an operation in [`Model::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperationId(pub u32);

/// The resolved model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Namespaces in first-seen order.
    pub namespaces: Vec<Namespace>,
    /// Every named type of every namespace, in document order.
    pub types: Vec<TypeDef>,
    /// Every action and function, in document order.
    pub operations: Vec<OperationDef>,
    /// Entity containers.
    pub containers: Vec<Container>,
    index: FxHashMap<String, TypeId>,
}

/// A namespace with its alias.
#[derive(Debug, Clone, PartialEq)]
pub struct Namespace {
    pub name: String,
    pub alias: Option<String>,
    pub pos: Pos,
}

/// Documentation from `Core.Description` and `Core.LongDescription`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    pub description: Option<String>,
    pub long_description: Option<String>,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub id: TypeId,
    /// The namespace it is declared in.
    pub namespace: String,
    /// Its CSDL name.
    pub name: String,
    pub docs: Docs,
    pub pos: Pos,
    pub kind: TypeKind,
}

impl TypeDef {
    /// `namespace.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }

    /// The structured part, for entity and complex types.
    pub fn as_structured(&self) -> Option<&Structured> {
        match &self.kind {
            TypeKind::Structured(s) => Some(s),
            _ => None,
        }
    }
}

/// What a named type is.
#[derive(Debug, Clone)]
pub enum TypeKind {
    Structured(Structured),
    Enum(Enum),
    Definition(Definition),
}

/// An entity or complex type.
#[derive(Debug, Clone)]
pub struct Structured {
    pub kind: StructuredKind,
    pub base: Option<TypeId>,
    /// Direct derived types, in document order.
    pub derived: Vec<TypeId>,
    pub is_abstract: bool,
    pub open_type: bool,
    pub has_stream: bool,
    pub key: Vec<String>,
    /// Own (not inherited) structural properties, in schema order.
    pub properties: Vec<PropertyDef>,
    /// Own navigation properties, in schema order.
    pub navigations: Vec<NavigationDef>,
}

/// A structural property.
#[derive(Debug, Clone)]
pub struct PropertyDef {
    pub name: String,
    pub ty: TypeUse,
    /// CSDL `Nullable` (default `true`).
    pub nullable: bool,
    pub default_value: Option<String>,
    /// `Core.Computed`: set by the service.
    pub computed: bool,
    pub docs: Docs,
    pub pos: Pos,
}

/// A navigation property.
#[derive(Debug, Clone)]
pub struct NavigationDef {
    pub name: String,
    pub target: TypeId,
    pub collection: bool,
    pub nullable: bool,
    pub contains_target: bool,
    pub partner: Option<String>,
    pub restrictions: Restrictions,
    pub docs: Docs,
    pub pos: Pos,
}

/// Capabilities restrictions that apply to a navigation property or entity set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restrictions {
    pub insertable: bool,
    pub updatable: bool,
    pub deletable: bool,
}

impl Default for Restrictions {
    fn default() -> Self {
        Restrictions {
            insertable: true,
            updatable: true,
            deletable: true,
        }
    }
}

/// A use of a type: a property's, a parameter's or a return type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeUse {
    pub collection: bool,
    pub target: TypeTarget,
}

/// What a [`TypeUse`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeTarget {
    Primitive(Primitive),
    Named(TypeId),
}

/// The Edm primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    String,
    Boolean,
    Byte,
    SByte,
    Int16,
    Int32,
    Int64,
    Single,
    Double,
    Decimal,
    Guid,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Binary,
    Stream,
    /// `Edm.Untyped`, `Edm.PrimitiveType`, geography and geometry types: any JSON.
    Untyped,
}

impl Primitive {
    /// The primitive named `Edm.<name>`.
    pub fn from_edm(name: &str) -> Option<Primitive> {
        use Primitive::*;
        Some(match name {
            "String" => String,
            "Boolean" => Boolean,
            "Byte" => Byte,
            "SByte" => SByte,
            "Int16" => Int16,
            "Int32" => Int32,
            "Int64" => Int64,
            "Single" => Single,
            "Double" => Double,
            "Decimal" => Decimal,
            "Guid" => Guid,
            "DateTimeOffset" => DateTimeOffset,
            "Date" => Date,
            "TimeOfDay" => TimeOfDay,
            "Duration" => Duration,
            "Binary" => Binary,
            "Stream" => Stream,
            "Untyped" | "PrimitiveType" | "ComplexType" | "EntityType" => Untyped,
            other if other.starts_with("Geography") || other.starts_with("Geometry") => Untyped,
            _ => return None,
        })
    }
}

/// An enumeration type.
#[derive(Debug, Clone)]
pub struct Enum {
    pub is_flags: bool,
    pub underlying: Primitive,
    pub members: Vec<EnumMemberDef>,
}

/// An enumeration member.
#[derive(Debug, Clone)]
pub struct EnumMemberDef {
    pub name: String,
    pub value: i64,
    pub docs: Docs,
    pub pos: Pos,
}

/// A type definition (a named primitive).
#[derive(Debug, Clone)]
pub struct Definition {
    pub underlying: Primitive,
}

/// An action or function overload.
#[derive(Debug, Clone)]
pub struct OperationDef {
    pub id: OperationId,
    pub kind: OperationKind,
    pub namespace: String,
    pub name: String,
    /// The binding parameter's type, for bound operations.
    pub binding: Option<TypeUse>,
    /// Parameters other than the binding parameter, in order.
    pub parameters: Vec<ParameterDef>,
    pub return_type: Option<ReturnDef>,
    pub is_composable: bool,
    pub docs: Docs,
    pub pos: Pos,
}

/// An operation parameter.
#[derive(Debug, Clone)]
pub struct ParameterDef {
    pub name: String,
    pub ty: TypeUse,
    pub nullable: bool,
    pub pos: Pos,
}

/// An operation's return type.
#[derive(Debug, Clone)]
pub struct ReturnDef {
    pub ty: TypeUse,
    pub nullable: bool,
}

/// An entity container.
#[derive(Debug, Clone)]
pub struct Container {
    pub namespace: String,
    pub name: String,
    pub entity_sets: Vec<EntitySetDef>,
    pub singletons: Vec<SingletonDef>,
    pub action_imports: Vec<ImportDef>,
    pub function_imports: Vec<ImportDef>,
    pub pos: Pos,
}

/// An entity set.
#[derive(Debug, Clone)]
pub struct EntitySetDef {
    pub name: String,
    pub entity_type: TypeId,
    pub restrictions: Restrictions,
    pub docs: Docs,
    pub pos: Pos,
}

/// A singleton.
#[derive(Debug, Clone)]
pub struct SingletonDef {
    pub name: String,
    pub ty: TypeId,
    pub restrictions: Restrictions,
    pub docs: Docs,
    pub pos: Pos,
}

/// An action or function import: its unbound overloads.
#[derive(Debug, Clone)]
pub struct ImportDef {
    pub name: String,
    pub operations: Vec<OperationId>,
    pub pos: Pos,
}

/// What resolution does with a reference to a type that no document defines
/// (a namespace the file refers to but does not contain).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Strictness {
    /// Every unknown type is an error: the model is refused.
    #[default]
    Strict,
    /// What refers to an unknown type is dropped with a positioned warning
    /// each, and the rest resolves: a property or navigation property is
    /// dropped; an operation with an unknown binding, parameter or return
    /// type is dropped whole, and so is an import left without overloads;
    /// an entity set or singleton of unknown type is dropped. A structured
    /// type with an unknown base type is kept as a type without a base (its
    /// own members only; what it would inherit is kept as additional data
    /// at run time), and a type definition with an unknown underlying type
    /// is taken as `Edm.Untyped`. Every other problem is still an error.
    Lenient,
}

impl Strictness {
    /// [`Lenient`](Strictness::Lenient) when `lenient` (a `--lenient` flag,
    /// a `lenient = true` config key), else [`Strict`](Strictness::Strict).
    pub fn lenient_if(lenient: bool) -> Self {
        if lenient {
            Strictness::Lenient
        } else {
            Strictness::Strict
        }
    }
}

const CORE: &str = "Org.OData.Core.V1";
const CAPABILITIES: &str = "Org.OData.Capabilities.V1";

impl Model {
    /// Resolves `documents` (the schema first, then overlays) into one model.
    ///
    /// Returns the model and warnings, or every error found. An unknown
    /// type is an error; [`Model::build_with`] can drop what refers to it.
    pub fn build(documents: &[Document]) -> Result<(Model, Vec<Warning>), Errors> {
        Model::build_with(documents, Strictness::Strict)
    }

    /// [`Model::build`], with what to do about references to unknown types.
    pub fn build_with(
        documents: &[Document],
        strictness: Strictness,
    ) -> Result<(Model, Vec<Warning>), Errors> {
        Builder {
            strictness,
            ..Builder::default()
        }
        .build(documents)
    }

    /// The type with this qualified name (`microsoft.graph.entity`).
    pub fn find(&self, qualified: &str) -> Option<TypeId> {
        self.index.get(qualified).copied()
    }

    /// The type behind an id.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }

    /// The structured type behind an id, if it is one.
    pub fn structured(&self, id: TypeId) -> Option<&Structured> {
        self.ty(id).as_structured()
    }

    /// The operation behind an id.
    pub fn operation(&self, id: OperationId) -> &OperationDef {
        &self.operations[id.0 as usize]
    }

    /// `id` and its base types, base-most first.
    pub fn base_chain(&self, id: TypeId) -> Vec<TypeId> {
        let mut chain = vec![id];
        let mut current = id;
        while let Some(base) = self.structured(current).and_then(|s| s.base) {
            if chain.contains(&base) {
                break; // cycles are rejected by `build`; stay safe anyway
            }
            chain.push(base);
            current = base;
        }
        chain.reverse();
        chain
    }

    /// All structural properties of a type, inherited ones first (base-most first),
    /// each with the type that declares it.
    pub fn all_properties(&self, id: TypeId) -> Vec<(TypeId, &PropertyDef)> {
        self.base_chain(id)
            .into_iter()
            .filter_map(|t| self.structured(t).map(|s| (t, s)))
            .flat_map(|(t, s)| s.properties.iter().map(move |p| (t, p)))
            .collect()
    }

    /// All navigation properties of a type, inherited ones first.
    pub fn all_navigations(&self, id: TypeId) -> Vec<(TypeId, &NavigationDef)> {
        self.base_chain(id)
            .into_iter()
            .filter_map(|t| self.structured(t).map(|s| (t, s)))
            .flat_map(|(t, s)| s.navigations.iter().map(move |n| (t, n)))
            .collect()
    }

    /// Every type derived from `id`, directly or not, in depth-first document order.
    pub fn descendants(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        let mut stack: Vec<TypeId> = match self.structured(id) {
            Some(s) => s.derived.iter().rev().copied().collect(),
            None => return out,
        };
        while let Some(t) = stack.pop() {
            if out.contains(&t) {
                continue;
            }
            out.push(t);
            if let Some(s) = self.structured(t) {
                stack.extend(s.derived.iter().rev().copied());
            }
        }
        out
    }

    /// Whether `id` is a structured type with derived types.
    pub fn has_derived_types(&self, id: TypeId) -> bool {
        self.structured(id).is_some_and(|s| !s.derived.is_empty())
    }

    /// Operations bound to `id` (the binding parameter's type is exactly `id`).
    pub fn operations_bound_to(&self, id: TypeId, collection: bool) -> Vec<OperationId> {
        self.operations
            .iter()
            .filter(|op| {
                op.binding
                    == Some(TypeUse {
                        collection,
                        target: TypeTarget::Named(id),
                    })
            })
            .map(|op| op.id)
            .collect()
    }

    /// Number of entity, complex and enum types.
    pub fn counts(&self) -> TypeCounts {
        let mut c = TypeCounts::default();
        for t in &self.types {
            match &t.kind {
                TypeKind::Structured(s) if s.kind == StructuredKind::Entity => c.entity += 1,
                TypeKind::Structured(_) => c.complex += 1,
                TypeKind::Enum(_) => c.enums += 1,
                TypeKind::Definition(_) => c.definitions += 1,
            }
        }
        c
    }
}

/// How many types of each kind a model has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeCounts {
    pub entity: usize,
    pub complex: usize,
    pub enums: usize,
    pub definitions: usize,
}

/// What an overlay's type is, compared with the documents before it (the
/// schema, or an earlier overlay).
#[derive(Debug, Clone, PartialEq)]
pub enum OverlayStatus {
    /// No earlier document defines it: the overlay entry is still needed.
    Needed,
    /// An earlier document defines it identically, at this position: the
    /// overlay entry can be deleted.
    Identical(Pos),
    /// An earlier document defines it differently, at this position: an
    /// error when the documents are resolved together.
    Differs(Pos),
}

/// One type an overlay defines, and what the documents before it say of it.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlayEntry {
    /// `namespace.name`.
    pub qualified: String,
    /// Where the overlay defines it.
    pub pos: Pos,
    pub status: OverlayStatus,
}

impl std::fmt::Display for OverlayEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (pos, name) = (&self.pos, &self.qualified);
        match &self.status {
            OverlayStatus::Needed => write!(
                f,
                "{pos}: overlay type `{name}` is not in the schema: the overlay entry is still needed"
            ),
            OverlayStatus::Identical(at) => write!(
                f,
                "{pos}: overlay type `{name}` is identical to the one at {at}: the overlay entry can be deleted"
            ),
            OverlayStatus::Differs(at) => write!(
                f,
                "{pos}: overlay type `{name}` differs from the definition at {at}: remove it from the overlay or make them identical"
            ),
        }
    }
}

/// For each type the overlays (`documents[1..]`) define, in document order,
/// whether an earlier document defines it too, identically or differently.
///
/// Needs only the syntax trees, so it reports on documents that do not
/// resolve together (a type that differs is an error for [`Model::build`]).
pub fn overlay_report(documents: &[Document]) -> Vec<OverlayEntry> {
    let mut first: HashMap<String, (usize, Decl<'_>)> = HashMap::new();
    let mut report = Vec::new();
    for (doc_index, doc) in documents.iter().enumerate() {
        for schema in &doc.schemas {
            for (name, decl) in declarations(schema) {
                let qualified = format!("{}.{name}", schema.namespace);
                match first.get(&qualified) {
                    Some((earlier, _)) if *earlier == doc_index => {} // a duplicate, not an overlay
                    Some((_, existing)) => {
                        let at = existing.pos().clone();
                        report.push(OverlayEntry {
                            qualified,
                            pos: decl.pos().clone(),
                            status: if existing.same_content(&decl) {
                                OverlayStatus::Identical(at)
                            } else {
                                OverlayStatus::Differs(at)
                            },
                        });
                    }
                    None => {
                        if doc_index > 0 {
                            report.push(OverlayEntry {
                                qualified: qualified.clone(),
                                pos: decl.pos().clone(),
                                status: OverlayStatus::Needed,
                            });
                        }
                        first.insert(qualified, (doc_index, decl));
                    }
                }
            }
        }
    }
    report
}

/// A schema's type declarations in document order, so "already defined"
/// points at the earlier one.
fn declarations(schema: &csdl::Schema) -> Vec<(&String, Decl<'_>)> {
    let mut items: Vec<(&String, Decl<'_>)> = schema
        .enum_types
        .iter()
        .map(|t| (&t.name, Decl::Enum(t)))
        .chain(
            schema
                .type_definitions
                .iter()
                .map(|t| (&t.name, Decl::Definition(t))),
        )
        .chain(
            schema
                .complex_types
                .iter()
                .map(|t| (&t.name, Decl::Structured(t))),
        )
        .chain(
            schema
                .entity_types
                .iter()
                .map(|t| (&t.name, Decl::Structured(t))),
        )
        .collect();
    items.sort_by_key(|(_, d)| (d.pos().line, d.pos().column));
    items
}

/// A declaration collected before resolution.
enum Decl<'d> {
    Structured(&'d csdl::StructuredType),
    Enum(&'d csdl::EnumType),
    Definition(&'d csdl::TypeDefinition),
}

impl Decl<'_> {
    fn pos(&self) -> &Pos {
        match self {
            Decl::Structured(t) => &t.pos,
            Decl::Enum(t) => &t.pos,
            Decl::Definition(t) => &t.pos,
        }
    }

    fn same_content(&self, other: &Decl<'_>) -> bool {
        match (self, other) {
            (Decl::Structured(a), Decl::Structured(b)) => a.same_content(b),
            (Decl::Enum(a), Decl::Enum(b)) => a.same_content(b),
            (Decl::Definition(a), Decl::Definition(b)) => a.same_content(b),
            _ => false,
        }
    }

    fn annotations(&self) -> &[Annotation] {
        match self {
            Decl::Structured(t) => &t.annotations,
            Decl::Enum(t) => &t.annotations,
            Decl::Definition(t) => &t.annotations,
        }
    }
}

/// The error for a declaration of a qualified name already declared: a
/// duplicate in the same document, or an overlay entry that differs from
/// the earlier document's (an identical one is no error).
fn redefinition(
    qualified: &str,
    (first, first_doc): (&Decl<'_>, usize),
    (decl, doc): (&Decl<'_>, usize),
) -> Option<String> {
    if first_doc == doc {
        Some(format!(
            "duplicate type name `{qualified}`: already defined at {}",
            first.pos()
        ))
    } else if !first.same_content(decl) {
        Some(format!(
            "overlay type `{qualified}` differs from the definition at {}: remove it from the overlay or make them identical",
            first.pos()
        ))
    } else {
        None
    }
}

#[derive(Default)]
struct Builder<'d> {
    strictness: Strictness,
    errors: Vec<Diagnostic>,
    warnings: Vec<Warning>,
    /// Qualified names of operations dropped in lenient mode, so an import
    /// of one is dropped too rather than refused.
    dropped_operations: FxHashSet<String>,
    /// alias or namespace → namespace
    aliases: FxHashMap<&'d str, &'d str>,
    /// normalized annotation target → annotations of the blocks targeting it
    annotations: FxHashMap<String, Vec<&'d Annotation>>,
    /// Scratch text for building qualified names and annotation targets.
    scratch: String,
}

/// The annotations that apply to a model element: its inline ones, then
/// those of the `<Annotations>` blocks that target it.
#[derive(Clone, Copy)]
struct Applied<'x> {
    inline: &'x [Annotation],
    blocks: &'x [&'x Annotation],
}

impl<'x> Applied<'x> {
    fn iter(self) -> impl Iterator<Item = &'x Annotation> {
        self.inline.iter().chain(self.blocks.iter().copied())
    }
}

/// An operation's resolved binding, other parameters and return type.
type Signature = (Option<TypeUse>, Vec<ParameterDef>, Option<ReturnDef>);

/// The declarations of every document merged by qualified name, in type id
/// order: (namespace, name, declaration, document index).
type Decls<'d> = Vec<(&'d str, &'d str, Decl<'d>, usize)>;

impl<'d> Builder<'d> {
    fn build(mut self, documents: &'d [Document]) -> Result<(Model, Vec<Warning>), Errors> {
        let namespaces = self.namespaces(documents);
        let (decls, index) = self.declarations(documents);
        self.annotation_blocks(documents);
        let mut types = self.types(&decls, &index);
        self.link_bases(&mut types);
        let operations = self.operations(documents, &index);
        let containers = self.containers(documents, &index, &operations);
        if !self.errors.is_empty() {
            let mut errors = self.errors;
            errors.sort_by(|a, b| {
                (&*a.pos.file, a.pos.line, a.pos.column).cmp(&(
                    &*b.pos.file,
                    b.pos.line,
                    b.pos.column,
                ))
            });
            return Err(Errors::Input(errors));
        }
        Ok((
            Model {
                namespaces,
                types,
                operations,
                containers,
                index,
            },
            self.warnings,
        ))
    }

    /// Pass 1: namespaces in first-seen order, and the aliases.
    fn namespaces(&mut self, documents: &'d [Document]) -> Vec<Namespace> {
        let mut namespaces: Vec<Namespace> = Vec::new();
        for schema in documents.iter().flat_map(|doc| &doc.schemas) {
            if !namespaces.iter().any(|n| n.name == schema.namespace) {
                namespaces.push(Namespace {
                    name: schema.namespace.clone(),
                    alias: schema.alias.clone(),
                    pos: schema.pos.clone(),
                });
            }
            self.aliases.insert(&schema.namespace, &schema.namespace);
            if let Some(alias) = &schema.alias {
                match self.aliases.get(alias.as_str()) {
                    Some(ns) if *ns != schema.namespace => self.errors.push(Diagnostic::new(
                        schema.pos.clone(),
                        format!(
                            "alias `{alias}` of namespace `{}` is already used for `{ns}`",
                            schema.namespace
                        ),
                    )),
                    _ => {
                        self.aliases.insert(alias, &schema.namespace);
                    }
                }
            }
        }
        namespaces
    }

    /// Pass 2: declarations, merged by qualified name, with the index from
    /// qualified name to type id (the position in the declarations). A
    /// later document's redefinition is an overlay entry: identical ones
    /// are dropped (the overlay report says they can go), different ones
    /// are errors.
    fn declarations(
        &mut self,
        documents: &'d [Document],
    ) -> (Decls<'d>, FxHashMap<String, TypeId>) {
        let mut decls: Decls<'d> = Vec::new();
        let mut index: FxHashMap<String, TypeId> = FxHashMap::default();
        for (doc_index, doc) in documents.iter().enumerate() {
            for schema in &doc.schemas {
                let ns = &schema.namespace;
                for (name, decl) in declarations(schema) {
                    let qualified = format!("{ns}.{name}");
                    if let Some(&existing) = index.get(&qualified) {
                        let (_, _, first, first_doc) = &decls[existing.0 as usize];
                        if let Some(message) =
                            redefinition(&qualified, (first, *first_doc), (&decl, doc_index))
                        {
                            self.errors
                                .push(Diagnostic::new(decl.pos().clone(), message));
                        }
                        continue;
                    }
                    index.insert(qualified, TypeId(decls.len() as u32));
                    decls.push((ns, name, decl, doc_index));
                }
            }
        }
        (decls, index)
    }

    /// Pass 3: annotation blocks, keyed by normalized target.
    fn annotation_blocks(&mut self, documents: &'d [Document]) {
        let schemas = || documents.iter().flat_map(|doc| &doc.schemas);
        let blocks = schemas().map(|schema| schema.annotation_blocks.len()).sum();
        self.annotations.reserve(blocks);
        for block in schemas().flat_map(|schema| &schema.annotation_blocks) {
            let target = self.normalize_target(&block.target);
            self.annotations
                .entry(target)
                .or_default()
                .extend(block.annotations.iter());
        }
    }

    /// Pass 4: the types, resolved (base types are linked after).
    fn types(&mut self, decls: &Decls<'d>, index: &FxHashMap<String, TypeId>) -> Vec<TypeDef> {
        let mut types = Vec::with_capacity(decls.len());
        for (i, (ns, name, decl, _)) in decls.iter().enumerate() {
            let qualified = format!("{ns}.{name}");
            let docs = docs_of(self.applied(&qualified, decl.annotations()));
            let kind = match decl {
                Decl::Structured(t) => TypeKind::Structured(self.structured(index, &qualified, t)),
                Decl::Enum(t) => TypeKind::Enum(self.enumeration(&qualified, t)),
                Decl::Definition(t) => TypeKind::Definition(self.definition(index, &qualified, t)),
            };
            types.push(TypeDef {
                id: TypeId(i as u32),
                namespace: (*ns).to_owned(),
                name: (*name).to_owned(),
                docs,
                pos: decl.pos().clone(),
                kind,
            });
        }
        types
    }

    fn definition(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        qualified: &str,
        t: &csdl::TypeDefinition,
    ) -> Definition {
        let context = || format!("type definition `{qualified}`");
        let underlying = match self.resolve(
            index,
            &t.underlying_type,
            &t.pos,
            &context,
            Lenient::Untyped,
        ) {
            Some(TypeUse {
                collection: false,
                target: TypeTarget::Primitive(p),
            }) => p,
            Some(_) => {
                self.errors.push(Diagnostic::new(
                    t.pos.clone(),
                    format!(
                        "type definition `{qualified}` has underlying type `{}`, which is not a primitive type",
                        t.underlying_type
                    ),
                ));
                Primitive::Untyped
            }
            None => Primitive::Untyped,
        };
        Definition { underlying }
    }

    /// Pass 5: operations, in document order.
    fn operations(
        &mut self,
        documents: &'d [Document],
        index: &FxHashMap<String, TypeId>,
    ) -> Vec<OperationDef> {
        let mut operations = Vec::new();
        for schema in documents.iter().flat_map(|doc| &doc.schemas) {
            for op in &schema.operations {
                let id = OperationId(operations.len() as u32);
                if let Some(def) = self.operation(index, &schema.namespace, id, op) {
                    operations.push(def);
                }
            }
        }
        operations
    }

    /// Pass 6: entity containers.
    fn containers(
        &mut self,
        documents: &'d [Document],
        index: &FxHashMap<String, TypeId>,
        operations: &[OperationDef],
    ) -> Vec<Container> {
        let mut containers = Vec::new();
        for schema in documents.iter().flat_map(|doc| &doc.schemas) {
            for c in &schema.entity_containers {
                containers.push(self.container(index, &schema.namespace, c, operations));
            }
        }
        containers
    }

    /// Replaces an alias prefix with its namespace, in every qualified name of a
    /// target path (`graph.user/manager`, `graph.assign(graph.policy)`).
    fn normalize_target(&self, target: &str) -> String {
        let mut out = String::with_capacity(target.len());
        let mut rest = target;
        // The separators are ASCII, so a byte search finds them on char boundaries.
        while let Some(i) = rest
            .bytes()
            .position(|b| matches!(b, b'/' | b'(' | b')' | b','))
        {
            self.push_normalized(&rest[..i], &mut out);
            out.push_str(&rest[i..i + 1]);
            rest = &rest[i + 1..];
        }
        self.push_normalized(rest, &mut out);
        out
    }

    /// `alias.Name` → `namespace.Name`; other names unchanged.
    fn normalize_name(&self, name: &str) -> String {
        let mut out = String::with_capacity(name.len());
        self.push_normalized(name, &mut out);
        out
    }

    /// The namespace and local name of `name` when its prefix is an alias
    /// of another namespace; `None` when `name` needs no normalizing.
    fn aliased<'n>(&self, name: &'n str) -> Option<(&'d str, &'n str)> {
        let (prefix, local) = name.rsplit_once('.')?;
        let ns = *self.aliases.get(prefix)?;
        (ns != prefix).then_some((ns, local))
    }

    /// Appends `name` to `out`, its alias prefix replaced with its namespace.
    fn push_normalized(&self, name: &str, out: &mut String) {
        match self.aliased(name) {
            Some((ns, local)) => {
                out.push_str(ns);
                out.push('.');
                out.push_str(local);
            }
            None => out.push_str(name),
        }
    }

    /// The annotations of the model element `target` names, given its inline
    /// ones: those followed by the annotations of blocks targeting it.
    fn applied<'x>(&'x self, target: &str, inline: &'x [Annotation]) -> Applied<'x> {
        let blocks = match self.annotations.get(target) {
            Some(more) => more.as_slice(),
            None => &[],
        };
        Applied { inline, blocks }
    }

    /// [`Self::applied`] for the member `member` of `parent` (`parent/member`).
    fn applied_member<'x>(
        &'x mut self,
        parent: &str,
        member: &str,
        inline: &'x [Annotation],
    ) -> Applied<'x> {
        self.scratch.clear();
        self.scratch.push_str(parent);
        self.scratch.push('/');
        self.scratch.push_str(member);
        let blocks = match self.annotations.get(self.scratch.as_str()) {
            Some(more) => more.as_slice(),
            None => &[],
        };
        Applied { inline, blocks }
    }

    /// Resolves a type reference; `context` says what refers to it, for the error.
    fn resolve(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        type_name: &str,
        pos: &Pos,
        context: &dyn Fn() -> String,
        lenient: Lenient,
    ) -> Option<TypeUse> {
        let (collection, inner) = match type_name
            .strip_prefix("Collection(")
            .and_then(|s| s.strip_suffix(')'))
        {
            Some(inner) => (true, inner.trim()),
            None => (false, type_name.trim()),
        };
        if let Some(edm) = inner.strip_prefix("Edm.") {
            if let Some(p) = Primitive::from_edm(edm) {
                return Some(TypeUse {
                    collection,
                    target: TypeTarget::Primitive(p),
                });
            }
        }
        let found = if self.aliased(inner).is_none() {
            index.get(inner).copied()
        } else {
            let mut qualified = std::mem::take(&mut self.scratch);
            qualified.clear();
            self.push_normalized(inner, &mut qualified);
            let found = index.get(qualified.as_str()).copied();
            self.scratch = qualified;
            found
        };
        match found {
            Some(id) => Some(TypeUse {
                collection,
                target: TypeTarget::Named(id),
            }),
            None => {
                self.unknown_type(
                    pos,
                    format!("{} has unknown type `{inner}`", context()),
                    lenient,
                );
                None
            }
        }
    }

    /// Reports a reference to an unknown type: an error, or in lenient mode
    /// a warning saying what became of the referring item.
    fn unknown_type(&mut self, pos: &Pos, message: String, lenient: Lenient) {
        match self.strictness {
            Strictness::Strict => self.errors.push(Diagnostic::new(pos.clone(), message)),
            Strictness::Lenient => self.warnings.push(Warning {
                pos: Some(pos.clone()),
                message: format!("{message}; {} (lenient)", lenient.outcome()),
            }),
        }
    }

    fn structured(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        qualified: &str,
        t: &csdl::StructuredType,
    ) -> Structured {
        let base = t
            .base_type
            .as_ref()
            .and_then(|b| self.base_type(index, qualified, b, &t.pos));
        // Property names, structural and navigation alike, with where each is.
        let mut names: FxHashMap<&str, &Pos> = FxHashMap::default();
        let properties = self.properties(index, qualified, t, &mut names);
        let navigations = self.navigations(index, qualified, t, &mut names);
        Structured {
            kind: t.kind,
            base,
            derived: Vec::new(),
            is_abstract: t.is_abstract,
            open_type: t.open_type,
            has_stream: t.has_stream,
            key: t.key.clone(),
            properties,
            navigations,
        }
    }

    /// The base type `b` of the structured type `qualified`, if it resolves
    /// to a structured type (its kind is checked when bases are linked).
    fn base_type(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        qualified: &str,
        b: &str,
        pos: &Pos,
    ) -> Option<TypeId> {
        let context = || format!("base type of `{qualified}`");
        match self.resolve(index, b, pos, &context, Lenient::NoBase) {
            Some(TypeUse {
                collection: false,
                target: TypeTarget::Named(id),
            }) => Some(id),
            Some(_) => {
                self.errors.push(Diagnostic::new(
                    pos.clone(),
                    format!("base type `{b}` of `{qualified}` is not a structured type"),
                ));
                None
            }
            None => None,
        }
    }

    /// Whether `name` (at `pos`) is the first property of that name in
    /// `qualified`; a duplicate is an error.
    fn first_property<'t>(
        &mut self,
        names: &mut FxHashMap<&'t str, &'t Pos>,
        qualified: &str,
        (name, pos): (&'t str, &'t Pos),
    ) -> bool {
        match names.insert(name, pos) {
            None => true,
            Some(first) => {
                self.errors.push(Diagnostic::new(
                    pos.clone(),
                    format!(
                        "duplicate property name `{name}` in `{qualified}`: already declared at {first}"
                    ),
                ));
                false
            }
        }
    }

    fn properties<'t>(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        qualified: &str,
        t: &'t csdl::StructuredType,
        names: &mut FxHashMap<&'t str, &'t Pos>,
    ) -> Vec<PropertyDef> {
        let mut properties = Vec::new();
        for p in &t.properties {
            if !self.first_property(names, qualified, (&p.name, &p.pos)) {
                continue;
            }
            let context = || format!("property `{}` of `{qualified}`", p.name);
            let Some(ty) = self.resolve(index, &p.type_name, &p.pos, &context, Lenient::Dropped)
            else {
                continue;
            };
            let annotations = self.applied_member(qualified, &p.name, &p.annotations);
            properties.push(PropertyDef {
                name: p.name.clone(),
                ty,
                nullable: p.nullable.unwrap_or(true),
                default_value: p.default_value.clone(),
                computed: bool_term(annotations, CORE, "Computed"),
                docs: docs_of(annotations),
                pos: p.pos.clone(),
            });
        }
        properties
    }

    fn navigations<'t>(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        qualified: &str,
        t: &'t csdl::StructuredType,
        names: &mut FxHashMap<&'t str, &'t Pos>,
    ) -> Vec<NavigationDef> {
        let mut navigations = Vec::new();
        for n in &t.navigation_properties {
            if !self.first_property(names, qualified, (&n.name, &n.pos)) {
                continue;
            }
            let context = || format!("navigation property `{}` of `{qualified}`", n.name);
            let Some(ty) = self.resolve(index, &n.type_name, &n.pos, &context, Lenient::Dropped)
            else {
                continue;
            };
            let TypeTarget::Named(target_id) = ty.target else {
                self.errors.push(Diagnostic::new(
                    n.pos.clone(),
                    format!(
                        "navigation property `{}` of `{qualified}` has primitive type `{}`",
                        n.name, n.type_name
                    ),
                ));
                continue;
            };
            let annotations = self.applied_member(qualified, &n.name, &n.annotations);
            navigations.push(NavigationDef {
                name: n.name.clone(),
                target: target_id,
                collection: ty.collection,
                nullable: n.nullable.unwrap_or(true),
                contains_target: n.contains_target,
                partner: n.partner.clone(),
                restrictions: restrictions_of(annotations),
                docs: docs_of(annotations),
                pos: n.pos.clone(),
            });
        }
        navigations
    }

    fn enumeration(&mut self, qualified: &str, t: &csdl::EnumType) -> Enum {
        let underlying = match t.underlying_type.as_deref() {
            None => Primitive::Int32,
            Some(u) => match u.strip_prefix("Edm.").and_then(Primitive::from_edm) {
                Some(
                    p @ (Primitive::Byte
                    | Primitive::SByte
                    | Primitive::Int16
                    | Primitive::Int32
                    | Primitive::Int64),
                ) => p,
                _ => {
                    self.errors.push(Diagnostic::new(
                        t.pos.clone(),
                        format!("enum `{qualified}` has underlying type `{u}`; it must be an integer type"),
                    ));
                    Primitive::Int32
                }
            },
        };
        let mut members: Vec<EnumMemberDef> = Vec::new();
        let mut next = 0i64;
        for m in &t.members {
            if let Some(first) = members.iter().find(|x| x.name == m.name) {
                self.errors.push(Diagnostic::new(
                    m.pos.clone(),
                    format!(
                        "duplicate member `{}` in enum `{qualified}`: already declared at {}",
                        m.name, first.pos
                    ),
                ));
                continue;
            }
            let value = m.value.unwrap_or(next);
            next = value.saturating_add(1);
            let annotations = self.applied_member(qualified, &m.name, &m.annotations);
            members.push(EnumMemberDef {
                name: m.name.clone(),
                value,
                docs: docs_of(annotations),
                pos: m.pos.clone(),
            });
        }
        Enum {
            is_flags: t.is_flags,
            underlying,
            members,
        }
    }

    /// Checks base-type kinds and cycles, then fills `derived`.
    fn link_bases(&mut self, types: &mut [TypeDef]) {
        let n = types.len();
        for i in 0..n {
            let Some(base) = types[i].as_structured().and_then(|s| s.base) else {
                continue;
            };
            let kind = types[i].as_structured().map(|s| s.kind);
            match types[base.0 as usize].as_structured() {
                Some(b) if Some(b.kind) == kind => {}
                _ => {
                    self.errors.push(Diagnostic::new(
                        types[i].pos.clone(),
                        format!(
                            "base type `{}` of `{}` is not of the same kind",
                            types[base.0 as usize].qualified_name(),
                            types[i].qualified_name()
                        ),
                    ));
                    if let TypeKind::Structured(s) = &mut types[i].kind {
                        s.base = None;
                    }
                }
            }
        }
        // Cycle detection: walk each chain at most n steps.
        for i in 0..n {
            let mut current = TypeId(i as u32);
            let mut steps = 0;
            while let Some(base) = types[current.0 as usize]
                .as_structured()
                .and_then(|s| s.base)
            {
                steps += 1;
                if base.0 as usize == i || steps > n {
                    self.errors.push(Diagnostic::new(
                        types[i].pos.clone(),
                        format!(
                            "cyclic base type: `{}` is its own base type through `{}`",
                            types[i].qualified_name(),
                            types[current.0 as usize].qualified_name()
                        ),
                    ));
                    if let TypeKind::Structured(s) = &mut types[i].kind {
                        s.base = None;
                    }
                    break;
                }
                current = base;
            }
        }
        for i in 0..n {
            if let Some(base) = types[i].as_structured().and_then(|s| s.base) {
                if let TypeKind::Structured(b) = &mut types[base.0 as usize].kind {
                    b.derived.push(TypeId(i as u32));
                }
            }
        }
    }

    fn operation(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        namespace: &str,
        id: OperationId,
        op: &csdl::Operation,
    ) -> Option<OperationDef> {
        let qualified = format!("{namespace}.{}", op.name);
        let resolved = self.signature(index, &qualified, op);
        let mut ok = resolved.is_some();
        if resolved.is_none() && self.strictness == Strictness::Lenient {
            self.dropped_operations.insert(qualified.clone());
        }
        if op.is_bound && op.parameters.is_empty() {
            self.errors.push(Diagnostic::new(
                op.pos.clone(),
                format!("bound operation `{qualified}` has no binding parameter"),
            ));
            ok = false;
        }
        if op.kind == OperationKind::Function && op.return_type.is_none() {
            self.errors.push(Diagnostic::new(
                op.pos.clone(),
                format!("function `{qualified}` has no `ReturnType`"),
            ));
            ok = false;
        }
        let (binding, parameters, return_type) = resolved.filter(|_| ok)?;
        let annotations = self.applied(&qualified, &op.annotations);
        Some(OperationDef {
            id,
            kind: op.kind,
            namespace: namespace.to_owned(),
            name: op.name.clone(),
            binding,
            parameters,
            return_type,
            is_composable: op.is_composable,
            docs: docs_of(annotations),
            pos: op.pos.clone(),
        })
    }

    /// An operation's binding, other parameters and return type, resolved;
    /// `None` when one of them has an unknown type (each is reported; in
    /// lenient mode only the first, as the operation is dropped).
    fn signature(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        qualified: &str,
        op: &csdl::Operation,
    ) -> Option<Signature> {
        let lenient = self.strictness == Strictness::Lenient;
        let mut parameters = Vec::new();
        let mut binding = None;
        let mut ok = true;
        for (i, p) in op.parameters.iter().enumerate() {
            let context = || format!("parameter `{}` of `{qualified}`", p.name);
            let Some(ty) = self.resolve(
                index,
                &p.type_name,
                &p.pos,
                &context,
                Lenient::OperationDropped,
            ) else {
                if lenient {
                    return None;
                }
                ok = false;
                continue;
            };
            if i == 0 && op.is_bound {
                binding = Some(ty);
                continue;
            }
            parameters.push(ParameterDef {
                name: p.name.clone(),
                ty,
                nullable: p.nullable.unwrap_or(true),
                pos: p.pos.clone(),
            });
        }
        let return_type = match &op.return_type {
            Some(r) => {
                let context = || format!("the return type of `{qualified}`");
                let ty = self.resolve(
                    index,
                    &r.type_name,
                    &r.pos,
                    &context,
                    Lenient::OperationDropped,
                )?;
                Some(ReturnDef {
                    ty,
                    nullable: r.nullable.unwrap_or(true),
                })
            }
            None => None,
        };
        ok.then_some((binding, parameters, return_type))
    }

    fn container(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        namespace: &str,
        c: &csdl::EntityContainer,
        operations: &[OperationDef],
    ) -> Container {
        let prefix = format!("{namespace}.{}", c.name);
        let mut entity_sets = Vec::new();
        for set in &c.entity_sets {
            let what = || format!("entity set `{}`", set.name);
            if let Some(entity_type) = self.entity_type(index, &what, &set.entity_type, &set.pos) {
                let annotations = self.applied_member(&prefix, &set.name, &set.annotations);
                entity_sets.push(EntitySetDef {
                    name: set.name.clone(),
                    entity_type,
                    restrictions: restrictions_of(annotations),
                    docs: docs_of(annotations),
                    pos: set.pos.clone(),
                });
            }
        }
        let mut singletons = Vec::new();
        for s in &c.singletons {
            let what = || format!("singleton `{}`", s.name);
            if let Some(ty) = self.entity_type(index, &what, &s.type_name, &s.pos) {
                let annotations = self.applied_member(&prefix, &s.name, &s.annotations);
                singletons.push(SingletonDef {
                    name: s.name.clone(),
                    ty,
                    restrictions: restrictions_of(annotations),
                    docs: docs_of(annotations),
                    pos: s.pos.clone(),
                });
            }
        }
        let action_imports = self.imports(&c.action_imports, OperationKind::Action, operations);
        let function_imports =
            self.imports(&c.function_imports, OperationKind::Function, operations);
        Container {
            namespace: namespace.to_owned(),
            name: c.name.clone(),
            entity_sets,
            singletons,
            action_imports,
            function_imports,
            pos: c.pos.clone(),
        }
    }

    /// Action or function imports (`kind`), each with the unbound
    /// overloads of the operation it names.
    fn imports(
        &mut self,
        list: &[csdl::OperationImport],
        kind: OperationKind,
        operations: &[OperationDef],
    ) -> Vec<ImportDef> {
        let mut out = Vec::new();
        for import in list {
            let wanted = self.normalize_name(&import.operation);
            let ops: Vec<OperationId> = operations
                .iter()
                .filter(|op| {
                    op.kind == kind
                        && op.binding.is_none()
                        && is_qualified(&wanted, &op.namespace, &op.name)
                })
                .map(|op| op.id)
                .collect();
            if ops.is_empty() && self.dropped_operations.contains(&wanted) {
                self.warnings.push(Warning {
                    pos: Some(import.pos.clone()),
                    message: format!(
                        "import `{}` names `{}`, whose every overload was dropped; dropped (lenient)",
                        import.name, import.operation
                    ),
                });
                continue;
            }
            if ops.is_empty() {
                self.errors.push(Diagnostic::new(
                    import.pos.clone(),
                    format!(
                        "import `{}` names `{}`, which is not an unbound {}",
                        import.name,
                        import.operation,
                        if kind == OperationKind::Action {
                            "action"
                        } else {
                            "function"
                        }
                    ),
                ));
                continue;
            }
            out.push(ImportDef {
                name: import.name.clone(),
                operations: ops,
                pos: import.pos.clone(),
            });
        }
        out
    }

    /// The entity type named `name` of `what` (an entity set or singleton,
    /// described only for a message).
    fn entity_type(
        &mut self,
        index: &FxHashMap<String, TypeId>,
        what: &dyn Fn() -> String,
        name: &str,
        pos: &Pos,
    ) -> Option<TypeId> {
        match self.resolve(index, name, pos, what, Lenient::Dropped)? {
            TypeUse {
                collection: false,
                target: TypeTarget::Named(id),
            } => Some(id),
            _ => {
                self.errors.push(Diagnostic::new(
                    pos.clone(),
                    format!("{} has type `{name}`, which is not an entity type", what()),
                ));
                None
            }
        }
    }
}

/// What lenient resolution makes of an item that refers to an unknown type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lenient {
    /// The item (a property, an entity set, …) is dropped.
    Dropped,
    /// The operation the item belongs to is dropped whole.
    OperationDropped,
    /// The structured type is kept without a base type.
    NoBase,
    /// The type definition is taken as `Edm.Untyped`.
    Untyped,
}

impl Lenient {
    /// What the warning says became of the item.
    fn outcome(self) -> &'static str {
        match self {
            Lenient::Dropped => "dropped",
            Lenient::OperationDropped => "the operation is dropped",
            Lenient::NoBase => "taken as having no base type",
            Lenient::Untyped => "taken as `Edm.Untyped`",
        }
    }
}

/// Whether `term` in vocabulary `vocabulary` is applied (Boolean terms default to true).
fn bool_term(annotations: Applied<'_>, vocabulary: &str, term: &str) -> bool {
    annotations
        .iter()
        .filter(|a| term_matches(&a.term, vocabulary, term))
        .any(|a| !matches!(a.value, Expression::Bool(false)))
}

fn term_matches(applied: &str, vocabulary: &str, term: &str) -> bool {
    match applied.rsplit_once('.') {
        Some((ns, name)) => {
            name == term
                && (ns == vocabulary
                    || (vocabulary == CORE && ns == "Core")
                    || (vocabulary == CAPABILITIES && ns == "Capabilities"))
        }
        None => false,
    }
}

/// `Core.Description` and `Core.LongDescription`: the first non-blank
/// string of each, trimmed.
fn docs_of(annotations: Applied<'_>) -> Docs {
    let mut docs = Docs::default();
    for a in annotations.iter() {
        let Expression::String(s) = &a.value else {
            continue;
        };
        let slot = if term_matches(&a.term, CORE, "Description") {
            &mut docs.description
        } else if term_matches(&a.term, CORE, "LongDescription") {
            &mut docs.long_description
        } else {
            continue;
        };
        if slot.is_none() && !s.trim().is_empty() {
            *slot = Some(s.trim().to_owned());
        }
    }
    docs
}

/// Reads `Capabilities.{Insert,Update,Delete}Restrictions` records.
fn restrictions_of(annotations: Applied<'_>) -> Restrictions {
    let mut r = Restrictions::default();
    let flag = |term: &str, property: &str| -> Option<bool> {
        annotations
            .iter()
            .filter(|a| term_matches(&a.term, CAPABILITIES, term))
            .find_map(|a| match &a.value {
                Expression::Record(rec) => rec
                    .properties
                    .iter()
                    .find(|p| p.property == property)
                    .and_then(|p| match p.value {
                        Expression::Bool(b) => Some(b),
                        _ => None,
                    }),
                _ => None,
            })
    };
    if let Some(b) = flag("InsertRestrictions", "Insertable") {
        r.insertable = b;
    }
    if let Some(b) = flag("UpdateRestrictions", "Updatable") {
        r.updatable = b;
    }
    if let Some(b) = flag("DeleteRestrictions", "Deletable") {
        r.deletable = b;
    }
    r
}

/// Whether `qualified` is `namespace.name`.
fn is_qualified(qualified: &str, namespace: &str, name: &str) -> bool {
    qualified
        .strip_prefix(namespace)
        .and_then(|rest| rest.strip_prefix('.'))
        == Some(name)
}

/// Parses and resolves documents given as `(file name, text)` pairs, schema
/// first; an unknown type is an error.
pub fn load(files: &[(&str, &str)]) -> Result<(Model, Vec<Warning>), Errors> {
    load_with(files, Strictness::Strict)
}

/// [`load`], with what to do about references to unknown types.
pub fn load_with(
    files: &[(&str, &str)],
    strictness: Strictness,
) -> Result<(Model, Vec<Warning>), Errors> {
    let mut documents = Vec::with_capacity(files.len());
    for (name, text) in files {
        documents.push(csdl::parse(name, text)?);
    }
    Model::build_with(&documents, strictness)
}
