//! A schema diff: what changed between two resolved models, each change
//! classed by its effect on the generated Rust API.
//!
//! Types are matched by qualified name and type uses compared by their CSDL
//! spelling (`microsoft.graph.user`, `Collection(Edm.String)`), never by
//! [`TypeId`](crate::model::TypeId), which differs between models. Spellings
//! are those of the resolved model: aliases are expanded, and the primitive
//! types that map to the same Rust type (`Edm.PrimitiveType`, geography and
//! geometry types) all read `Edm.Untyped`.
//!
//! What is breaking follows from how the generator maps CSDL to Rust: structs
//! and enums are `#[non_exhaustive]` and polymorphic types have an `Unknown`
//! variant, so added types, properties, enum members, navigation properties
//! and operations are compatible; anything removed, and any change to a type
//! use, to nullability (`Nullable<T>` versus `Option<T>`), to a base type, to
//! abstractness or to an operation's parameters or return type, is breaking.
//!
//! A structured type has one of three Rust shapes (see `emit::plan`): a
//! concrete type without derived types is `struct Foo`; a concrete type with
//! derived types is `struct Foo` plus `enum FooKind`, and every use of the
//! type (fields, parameters, return values) is `FooKind`; an abstract type is
//! `enum Foo` plus `struct FooBase`. A change of shape is breaking and is
//! reported once, on the type whose shape changes, with what changes in Rust:
//! a change of abstractness as [`ChangeKind::AbstractChanged`], a concrete
//! type gaining its first or losing its last derived type (by a type added or
//! removed, or by a base type changed elsewhere) as
//! [`ChangeKind::PolymorphismChanged`]. A base type change
//! ([`ChangeKind::BaseTypeChanged`]) names the inherited fields the type's
//! struct gains, loses or sees change, and the polymorphic enums of its old
//! and new base types it leaves and joins. Rust names in these details are
//! the generator's default ones (`names::type_name`, `names::field_name`),
//! before any renaming forced by a name collision.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::csdl::{OperationKind, StructuredKind};
use crate::emit::names;
use crate::model::{
    Model, NavigationDef, OperationDef, ParameterDef, Primitive, PropertyDef, Structured, TypeDef,
    TypeId, TypeKind, TypeTarget, TypeUse,
};
use crate::select;
use crate::Warning;

/// Which types a diff looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffScope {
    /// Every type and every operation, bound or not, of both models.
    All,
    /// These types (qualified names) and the operations bound to them.
    Types(BTreeSet<String>),
}

impl DiffScope {
    fn contains(&self, qualified: &str) -> bool {
        match self {
            DiffScope::All => true,
            DiffScope::Types(names) => names.contains(qualified),
        }
    }
}

/// Whether a change keeps code written against the old generated API compiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Existing code keeps compiling and working.
    Compatible,
    /// Existing code may stop compiling or change meaning.
    Breaking,
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Impact::Compatible => "compatible",
            Impact::Breaking => "breaking",
        })
    }
}

/// What kind of change a [`Change`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A type exists only in the new schema (compatible).
    TypeAdded,
    /// A type exists only in the old schema (breaking).
    TypeRemoved,
    /// A type changed between entity, complex, enum and type definition (breaking).
    TypeKindChanged,
    /// A structured type's base type was added, removed or changed
    /// (breaking): inherited fields appear on or disappear from its struct,
    /// and it leaves or joins the polymorphic enums of its base types.
    BaseTypeChanged,
    /// A structured type became abstract or concrete (breaking): `enum Foo`
    /// with `struct FooBase` instead of `struct Foo` (and `enum FooKind`), or
    /// the reverse.
    AbstractChanged,
    /// A concrete structured type gained its first derived type or lost its
    /// last one (breaking): fields, parameters and return values of the type
    /// change from `Foo` to `FooKind` or back.
    PolymorphismChanged,
    /// A structured type became open (compatible) or closed (breaking).
    OpenTypeChanged,
    /// An entity type gained (compatible) or lost (breaking) a stream.
    HasStreamChanged,
    /// An enum became a flags enum or stopped being one (breaking).
    EnumFlagsChanged,
    /// A type definition's underlying type changed (breaking).
    UnderlyingTypeChanged,
    /// A structural property was added (compatible, unless the type
    /// inherited it before with another type or nullability).
    PropertyAdded,
    /// A structural property was removed (breaking, unless a base type now
    /// declares it identically).
    PropertyRemoved,
    /// A property's type changed (breaking).
    PropertyTypeChanged,
    /// A property's nullability changed (breaking).
    PropertyNullabilityChanged,
    /// An enum member was added (compatible).
    EnumMemberAdded,
    /// An enum member was removed (breaking).
    EnumMemberRemoved,
    /// A navigation property was added (compatible).
    NavigationAdded,
    /// A navigation property was removed (breaking).
    NavigationRemoved,
    /// A navigation property's target, cardinality, containment or
    /// nullability changed (breaking).
    NavigationChanged,
    /// An operation (overload) was added (compatible).
    OperationAdded,
    /// An operation (overload) was removed (breaking).
    OperationRemoved,
    /// An operation changed between action and function (breaking).
    OperationKindChanged,
    /// An operation gained a parameter (breaking).
    OperationParameterAdded,
    /// An operation lost a parameter (breaking).
    OperationParameterRemoved,
    /// A parameter's type or nullability changed (breaking).
    OperationParameterChanged,
    /// An operation's return type changed, appeared or disappeared (breaking).
    OperationReturnChanged,
}

impl ChangeKind {
    /// A short human description: `property type changed`.
    pub fn description(self) -> &'static str {
        use ChangeKind::*;
        match self {
            TypeAdded => "type added",
            TypeRemoved => "type removed",
            TypeKindChanged => "type kind changed",
            BaseTypeChanged => "base type changed",
            AbstractChanged => "abstractness changed",
            PolymorphismChanged => "polymorphism changed",
            OpenTypeChanged => "open type changed",
            HasStreamChanged => "stream changed",
            EnumFlagsChanged => "flags changed",
            UnderlyingTypeChanged => "underlying type changed",
            PropertyAdded => "property added",
            PropertyRemoved => "property removed",
            PropertyTypeChanged => "property type changed",
            PropertyNullabilityChanged => "property nullability changed",
            EnumMemberAdded => "enum member added",
            EnumMemberRemoved => "enum member removed",
            NavigationAdded => "navigation property added",
            NavigationRemoved => "navigation property removed",
            NavigationChanged => "navigation property changed",
            OperationAdded => "operation added",
            OperationRemoved => "operation removed",
            OperationKindChanged => "operation kind changed",
            OperationParameterAdded => "parameter added",
            OperationParameterRemoved => "parameter removed",
            OperationParameterChanged => "parameter changed",
            OperationReturnChanged => "return type changed",
        }
    }
}

/// One difference between the old and the new schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed: a qualified type name (`microsoft.graph.groupAssignmentTarget`),
    /// a member of one (`…/groupId`, an enum member, a navigation property),
    /// an operation with its binding type (`microsoft.graph.assign(microsoft.graph.user)`,
    /// `microsoft.graph.ping()` when unbound) or one of its parameters (`…/name`).
    pub subject: String,
    /// The kind of change.
    pub kind: ChangeKind,
    /// Its effect on the generated Rust API.
    pub impact: Impact,
    /// Old and new values, e.g. `` `Edm.String` → `Edm.Guid` ``.
    pub detail: String,
}

impl Change {
    fn new(subject: impl Into<String>, kind: ChangeKind, impact: Impact, detail: String) -> Self {
        Change {
            subject: subject.into(),
            kind,
            impact,
            detail,
        }
    }
}

impl fmt::Display for Change {
    /// `breaking   microsoft.graph.groupAssignmentTarget/groupId: property type changed: `Edm.String` → `Edm.Guid``
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<10} {}: {}",
            self.impact.to_string(),
            self.subject,
            self.kind.description()
        )?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// The changes from one schema to another, sorted by subject (type, then
/// member), then kind, then detail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SchemaDiff {
    /// Every change found.
    pub changes: Vec<Change>,
}

impl SchemaDiff {
    /// Number of breaking changes.
    pub fn breaking(&self) -> usize {
        self.count(Impact::Breaking)
    }

    /// Number of compatible changes.
    pub fn compatible(&self) -> usize {
        self.count(Impact::Compatible)
    }

    /// Whether anything is breaking.
    pub fn is_breaking(&self) -> bool {
        self.breaking() > 0
    }

    fn count(&self, impact: Impact) -> usize {
        self.changes.iter().filter(|c| c.impact == impact).count()
    }
}

/// The scope of a diff limited to a selection: the union of what `roots` and
/// `paths` select in each model (see [`select::select_lenient`]), so that a
/// type present in only one of them is compared too.
///
/// A root or path segment missing from a model is a warning, prefixed with
/// the model's name (`old.0`, `new.0`) or with `in neither schema` when both
/// lack it.
pub fn selection_scope(
    old: (&str, &Model),
    new: (&str, &Model),
    roots: &[String],
    paths: &[String],
) -> (DiffScope, Vec<Warning>) {
    let (old_selection, old_problems) = select::select_lenient(old.1, roots, paths);
    let (new_selection, new_problems) = select::select_lenient(new.1, roots, paths);
    let in_both = |w: &Warning, other: &[Warning]| other.iter().any(|o| o.message == w.message);
    let mut warnings: Vec<Warning> = old_problems
        .iter()
        .filter(|w| in_both(w, &new_problems))
        .map(|w| Warning {
            pos: None,
            message: format!("in neither schema: {}", w.message),
        })
        .collect();
    for (name, problems, other) in [
        (old.0, &old_problems, &new_problems),
        (new.0, &new_problems, &old_problems),
    ] {
        warnings.extend(
            problems
                .iter()
                .filter(|w| !in_both(w, other))
                .map(|w| Warning {
                    pos: None,
                    message: format!("in `{name}`: {}", w.message),
                }),
        );
    }
    let mut names = BTreeSet::new();
    names.extend(
        old_selection
            .types
            .iter()
            .map(|&id| old.1.ty(id).qualified_name()),
    );
    names.extend(
        new_selection
            .types
            .iter()
            .map(|&id| new.1.ty(id).qualified_name()),
    );
    (DiffScope::Types(names), warnings)
}

/// Compares two models within `scope`.
pub fn diff(old: &Model, new: &Model, scope: &DiffScope) -> SchemaDiff {
    let old_types = types_by_name(old, scope);
    let new_types = types_by_name(new, scope);
    let mut changes = Vec::new();
    let names: BTreeSet<&String> = old_types.keys().chain(new_types.keys()).collect();
    for name in names {
        match (old_types.get(name), new_types.get(name)) {
            (Some(o), None) => changes.push(Change::new(
                name.as_str(),
                ChangeKind::TypeRemoved,
                Impact::Breaking,
                describe_type(old, o),
            )),
            (None, Some(n)) => changes.push(Change::new(
                name.as_str(),
                ChangeKind::TypeAdded,
                Impact::Compatible,
                describe_type(new, n),
            )),
            (Some(o), Some(n)) => {
                Types { old, new, name }.compare(o, n, &mut changes);
            }
            (None, None) => {}
        }
    }
    compare_operations(old, new, scope, &mut changes);
    changes.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    changes.dedup();
    SchemaDiff { changes }
}

fn sort_key(c: &Change) -> (&str, &str, ChangeKind, &str) {
    let (owner, member) = c.subject.split_once('/').unwrap_or((&c.subject, ""));
    (owner, member, c.kind, &c.detail)
}

fn types_by_name<'m>(model: &'m Model, scope: &DiffScope) -> BTreeMap<String, &'m TypeDef> {
    model
        .types
        .iter()
        .map(|t| (t.qualified_name(), t))
        .filter(|(name, _)| scope.contains(name))
        .collect()
}

/// The CSDL spelling of a type use.
fn spell(model: &Model, ty: TypeUse) -> String {
    let inner = match ty.target {
        TypeTarget::Primitive(p) => format!("Edm.{p:?}"),
        TypeTarget::Named(id) => model.ty(id).qualified_name(),
    };
    if ty.collection {
        format!("Collection({inner})")
    } else {
        inner
    }
}

fn kind_name(t: &TypeDef) -> &'static str {
    match &t.kind {
        TypeKind::Structured(s) if s.kind == StructuredKind::Entity => "entity type",
        TypeKind::Structured(_) => "complex type",
        TypeKind::Enum(_) => "enum type",
        TypeKind::Definition(_) => "type definition",
    }
}

/// `abstract complex type, base `microsoft.graph.x``.
fn describe_type(model: &Model, t: &TypeDef) -> String {
    let mut out = String::new();
    if t.as_structured().is_some_and(|s| s.is_abstract) {
        out.push_str("abstract ");
    }
    out.push_str(kind_name(t));
    if let Some(base) = t.as_structured().and_then(|s| s.base) {
        out.push_str(&format!(", base `{}`", model.ty(base).qualified_name()));
    }
    out
}

fn nullability(nullable: bool) -> &'static str {
    if nullable {
        "nullable"
    } else {
        "not nullable"
    }
}

fn flag(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

fn arrow(old: impl fmt::Display, new: impl fmt::Display) -> String {
    format!("{old} → {new}")
}

fn describe_navigation(model: &Model, n: &NavigationDef) -> String {
    let ty = TypeUse {
        collection: n.collection,
        target: TypeTarget::Named(n.target),
    };
    let mut out = format!("`{}`", spell(model, ty));
    if n.contains_target {
        out.push_str(", contained");
    }
    out.push_str(", ");
    out.push_str(nullability(n.nullable));
    out
}

/// Where a type's Rust shape shows: every use of it in generated code.
const USES: &str = "fields, parameters and return values";

/// The Rust shape of a structured type (see `emit::plan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Concrete without derived types: `struct Foo`, used as `Foo`.
    Struct,
    /// Concrete with derived types: `struct Foo` and `enum FooKind`, used as
    /// `FooKind`.
    StructAndKind,
    /// Abstract: `enum Foo` and `struct FooBase`, used as `Foo`.
    Enum,
}

impl Shape {
    fn of(s: &Structured) -> Shape {
        if s.is_abstract {
            Shape::Enum
        } else if s.derived.is_empty() {
            Shape::Struct
        } else {
            Shape::StructAndKind
        }
    }
}

/// The polymorphic enum of a structured type that has one: `Foo` (abstract)
/// or `FooKind` (concrete with derived types).
fn polymorphic_enum(model: &Model, id: TypeId) -> String {
    let t = model.ty(id);
    match t.as_structured().map(Shape::of) {
        Some(Shape::StructAndKind) => names::companion_name(&t.name, "Kind"),
        _ => names::type_name(&t.name),
    }
}

/// The struct holding a structured type's fields: `FooBase` when abstract,
/// else `Foo`.
fn fields_struct(model: &Model, id: TypeId) -> String {
    let t = model.ty(id);
    match t.as_structured().map(Shape::of) {
        Some(Shape::Enum) => names::companion_name(&t.name, "Base"),
        _ => names::type_name(&t.name),
    }
}

/// Whether a structured type or one of its derived types is concrete, so
/// that it makes variants in polymorphic enums.
fn has_variants(model: &Model, id: TypeId) -> bool {
    std::iter::once(id)
        .chain(model.descendants(id))
        .any(|d| model.structured(d).is_some_and(|s| !s.is_abstract))
}

/// `type `a`` or `types `a`, `b``, qualified names sorted.
fn type_list(model: &Model, ids: &[TypeId]) -> String {
    let mut list: Vec<String> = ids
        .iter()
        .map(|&id| format!("`{}`", model.ty(id).qualified_name()))
        .collect();
    list.sort();
    plural("type", &list)
}

/// `enum `A`` or `enums `A`, `B``.
fn plural(noun: &str, items: &[String]) -> String {
    let s = if items.len() == 1 { "" } else { "s" };
    format!("{noun}{s} {}", items.join(", "))
}

/// One field of a generated struct: a structural (not stream) or navigation
/// property, own or inherited.
struct Field {
    owner: TypeId,
    wire: String,
    /// Type and nullability, as in the other details.
    description: String,
}

/// The fields of a structured type's struct, inherited ones first.
fn fields(model: &Model, id: TypeId) -> Vec<Field> {
    let properties = model
        .all_properties(id)
        .into_iter()
        .filter(|(_, p)| p.ty.target != TypeTarget::Primitive(Primitive::Stream))
        .map(|(owner, p)| Field {
            owner,
            wire: p.name.clone(),
            description: Types::describe_property(model, p),
        });
    let navigations = model
        .all_navigations(id)
        .into_iter()
        .map(|(owner, n)| Field {
            owner,
            wire: n.name.clone(),
            description: describe_navigation(model, n),
        });
    properties.chain(navigations).collect()
}

/// Compares two versions of one type.
struct Types<'a> {
    old: &'a Model,
    new: &'a Model,
    name: &'a str,
}

impl Types<'_> {
    fn change(
        &self,
        member: Option<&str>,
        kind: ChangeKind,
        impact: Impact,
        detail: String,
    ) -> Change {
        let subject = match member {
            Some(m) => format!("{}/{m}", self.name),
            None => self.name.to_owned(),
        };
        Change::new(subject, kind, impact, detail)
    }

    fn compare(&self, o: &TypeDef, n: &TypeDef, changes: &mut Vec<Change>) {
        use ChangeKind::*;
        use Impact::*;
        if kind_name(o) != kind_name(n) {
            changes.push(self.change(
                None,
                TypeKindChanged,
                Breaking,
                arrow(kind_name(o), kind_name(n)),
            ));
        }
        match (&o.kind, &n.kind) {
            (TypeKind::Structured(os), TypeKind::Structured(ns)) => {
                self.compare_structured((o, os), (n, ns), changes)
            }
            (TypeKind::Enum(oe), TypeKind::Enum(ne)) => {
                if oe.is_flags != ne.is_flags {
                    changes.push(self.change(
                        None,
                        EnumFlagsChanged,
                        Breaking,
                        arrow(flag(oe.is_flags), flag(ne.is_flags)),
                    ));
                }
                for m in &oe.members {
                    if !ne.members.iter().any(|x| x.name == m.name) {
                        changes.push(self.change(
                            Some(&m.name),
                            EnumMemberRemoved,
                            Breaking,
                            format!("value {}", m.value),
                        ));
                    }
                }
                for m in &ne.members {
                    if !oe.members.iter().any(|x| x.name == m.name) {
                        changes.push(self.change(
                            Some(&m.name),
                            EnumMemberAdded,
                            Compatible,
                            format!("value {}", m.value),
                        ));
                    }
                }
            }
            (TypeKind::Definition(od), TypeKind::Definition(nd))
                if od.underlying != nd.underlying =>
            {
                changes.push(self.change(
                    None,
                    UnderlyingTypeChanged,
                    Breaking,
                    arrow(
                        format!("`Edm.{:?}`", od.underlying),
                        format!("`Edm.{:?}`", nd.underlying),
                    ),
                ));
            }
            _ => {}
        }
    }

    fn compare_structured(
        &self,
        (ot, o): (&TypeDef, &Structured),
        (nt, n): (&TypeDef, &Structured),
        changes: &mut Vec<Change>,
    ) {
        use ChangeKind::*;
        use Impact::*;
        let base_name =
            |model: &Model, s: &Structured| s.base.map(|b| model.ty(b).qualified_name());
        let (old_base, new_base) = (base_name(self.old, o), base_name(self.new, n));
        if old_base != new_base {
            let moved = match (&old_base, &new_base) {
                (None, Some(b)) => format!("gains base `{b}`"),
                (Some(a), None) => format!("loses base `{a}`"),
                (Some(a), Some(b)) => format!("moves from base `{a}` to `{b}`"),
                (None, None) => String::new(),
            };
            let mut detail = format!("`{}` {moved}", self.name);
            let effects = self.base_effects(ot.id, nt.id);
            if !effects.is_empty() {
                detail.push_str(": ");
                detail.push_str(&effects.join("; "));
            }
            changes.push(self.change(None, BaseTypeChanged, Breaking, detail));
        }
        let (old_shape, new_shape) = (Shape::of(o), Shape::of(n));
        if o.is_abstract != n.is_abstract {
            let detail = self.abstract_detail(ot, nt, old_shape, new_shape);
            changes.push(self.change(None, AbstractChanged, Breaking, detail));
        } else if old_shape != new_shape {
            // Both concrete: the first derived type came or the last went.
            let rust = names::type_name(&nt.name);
            let kind = names::companion_name(&nt.name, "Kind");
            let detail = if new_shape == Shape::StructAndKind {
                format!(
                    "`{}` gains its first derived {}: {} of type `{rust}` become `{kind}`",
                    self.name,
                    type_list(self.new, &n.derived),
                    USES,
                )
            } else {
                format!(
                    "`{}` loses its last derived {}: {} of type `{kind}` become `{rust}`; enum `{kind}` is removed",
                    self.name,
                    type_list(self.old, &o.derived),
                    USES,
                )
            };
            changes.push(self.change(None, PolymorphismChanged, Breaking, detail));
        }
        if o.open_type != n.open_type {
            changes.push(self.change(
                None,
                OpenTypeChanged,
                if n.open_type { Compatible } else { Breaking },
                arrow(flag(o.open_type), flag(n.open_type)),
            ));
        }
        if o.has_stream != n.has_stream {
            changes.push(self.change(
                None,
                HasStreamChanged,
                if n.has_stream { Compatible } else { Breaking },
                arrow(flag(o.has_stream), flag(n.has_stream)),
            ));
        }
        self.compare_properties(&o.properties, &n.properties, changes);
        self.compare_navigations(&o.navigations, &n.navigations, changes);
    }

    /// What a base type change does to the type's struct and to the
    /// polymorphic enums of the base types it leaves or joins.
    fn base_effects(&self, old_id: TypeId, new_id: TypeId) -> Vec<String> {
        let mut out = self.field_effects(old_id, new_id);
        out.extend(self.enum_membership(old_id, new_id));
        out
    }

    /// The fields the type's struct gains, loses or sees retyped when its
    /// base type changes.
    fn field_effects(&self, old_id: TypeId, new_id: TypeId) -> Vec<String> {
        let mut out = Vec::new();
        let (old_fields, new_fields) = (fields(self.old, old_id), fields(self.new, new_id));
        let own = |fields: &[Field], id: TypeId| -> BTreeSet<String> {
            fields
                .iter()
                .filter(|f| f.owner == id)
                .map(|f| f.wire.clone())
                .collect()
        };
        let (old_own, new_own) = (own(&old_fields, old_id), own(&new_fields, new_id));
        let find = |fields: &[Field], wire: &str| fields.iter().position(|f| f.wire == wire);
        // Own properties added, removed or moved to a base type are reported
        // as such; fields whose declaring type is unchanged, on that type.
        let gained: Vec<String> = new_fields
            .iter()
            .filter(|f| !new_own.contains(&f.wire) && find(&old_fields, &f.wire).is_none())
            .map(|f| format!("`{}`", names::field_name(&f.wire)))
            .collect();
        let lost: Vec<String> = old_fields
            .iter()
            .filter(|f| !old_own.contains(&f.wire) && find(&new_fields, &f.wire).is_none())
            .map(|f| format!("`{}`", names::field_name(&f.wire)))
            .collect();
        let retyped: Vec<String> = old_fields
            .iter()
            .filter(|of| !old_own.contains(&of.wire) && !new_own.contains(&of.wire))
            .filter_map(|of| {
                let nf = &new_fields[find(&new_fields, &of.wire)?];
                let moved = self.old.ty(of.owner).qualified_name()
                    != self.new.ty(nf.owner).qualified_name();
                (moved && of.description != nf.description).then(|| {
                    format!(
                        "field `{}` changes from {} to {}",
                        names::field_name(&of.wire),
                        of.description,
                        nf.description
                    )
                })
            })
            .collect();
        let struct_name = fields_struct(self.new, new_id);
        match (gained.is_empty(), lost.is_empty()) {
            (false, false) => out.push(format!(
                "struct `{struct_name}` gains {} and loses {}",
                plural("field", &gained),
                lost.join(", ")
            )),
            (false, true) => out.push(format!(
                "struct `{struct_name}` gains {}",
                plural("field", &gained)
            )),
            (true, false) => out.push(format!(
                "struct `{struct_name}` loses {}",
                plural("field", &lost)
            )),
            (true, true) => {}
        }
        out.extend(retyped);
        out
    }

    /// The base types' enums the type (through its concrete variants)
    /// leaves and joins when its base type changes.
    fn enum_membership(&self, old_id: TypeId, new_id: TypeId) -> Option<String> {
        // The type and its concrete derived types are variants of the enums
        // of its (polymorphic, since it derives from them) base types.
        let ancestors = |model: &Model, id: TypeId| -> Vec<(String, String)> {
            let mut chain = model.base_chain(id);
            chain.pop();
            chain
                .into_iter()
                .map(|a| (model.ty(a).qualified_name(), polymorphic_enum(model, a)))
                .collect()
        };
        let (old_ancestors, new_ancestors) =
            (ancestors(self.old, old_id), ancestors(self.new, new_id));
        let enums = |from: &[(String, String)], without: &[(String, String)]| -> Vec<String> {
            from.iter()
                .filter(|(q, _)| !without.iter().any(|(w, _)| w == q))
                .map(|(_, e)| format!("`{e}`"))
                .collect()
        };
        let left = enums(&old_ancestors, &new_ancestors);
        let joined = enums(&new_ancestors, &old_ancestors);
        let mut membership = Vec::new();
        if has_variants(self.old, old_id) && !left.is_empty() {
            membership.push(format!("leaves {}", plural("enum", &left)));
        }
        if has_variants(self.new, new_id) && !joined.is_empty() {
            membership.push(format!("joins {}", plural("enum", &joined)));
        }
        (!membership.is_empty()).then(|| format!("it {}", membership.join(" and ")))
    }

    /// What a change of abstractness does to the type's Rust items.
    fn abstract_detail(&self, ot: &TypeDef, nt: &TypeDef, old: Shape, new: Shape) -> String {
        let rust = names::type_name(&nt.name);
        let (kind, base) = (
            names::companion_name(&nt.name, "Kind"),
            names::companion_name(&nt.name, "Base"),
        );
        let q = self.name;
        let mut detail = match new {
            Shape::Enum => {
                let variants = if has_variants(self.new, nt.id) {
                    "of its concrete derived types"
                } else {
                    "with only an `Unknown` variant (no concrete type derives from it)"
                };
                if old == Shape::StructAndKind {
                    format!(
                        "`{q}` becomes abstract: {USES} of type `{kind}` become `{rust}`, now an enum {variants}; enum `{kind}` is removed and the fields of struct `{rust}` move to struct `{base}`"
                    )
                } else {
                    format!(
                        "`{q}` becomes abstract: struct `{rust}` becomes an enum {variants}; its fields move to struct `{base}`"
                    )
                }
            }
            Shape::StructAndKind => format!(
                "`{q}` becomes concrete: {USES} of type `{rust}` become `{kind}`; enum `{rust}` becomes a struct with the fields of struct `{base}`, which is removed"
            ),
            Shape::Struct => format!(
                "`{q}` becomes concrete: enum `{rust}` becomes a struct with the fields of struct `{base}`, which is removed"
            ),
        };
        // A concrete type is a variant of its base types' enums.
        let (model, id, verb) = if new == Shape::Enum {
            (self.old, ot.id, "is no longer a variant of")
        } else {
            (self.new, nt.id, "becomes a variant of")
        };
        let mut chain = model.base_chain(id);
        chain.pop();
        let enums: Vec<String> = chain
            .into_iter()
            .map(|a| format!("`{}`", polymorphic_enum(model, a)))
            .collect();
        if !enums.is_empty() {
            detail.push_str(&format!("; `{rust}` {verb} {}", plural("enum", &enums)));
        }
        detail
    }

    fn describe_property(model: &Model, p: &PropertyDef) -> String {
        format!("`{}`, {}", spell(model, p.ty), nullability(p.nullable))
    }

    fn compare_properties(
        &self,
        old: &[PropertyDef],
        new: &[PropertyDef],
        changes: &mut Vec<Change>,
    ) {
        for op in old {
            match new.iter().find(|p| p.name == op.name) {
                Some(np) => self.property_changed(op, np, changes),
                None => changes.push(self.property_removed(op)),
            }
        }
        for np in new {
            if !old.iter().any(|p| p.name == np.name) {
                changes.push(self.property_added(np));
            }
        }
    }

    /// The property named `name` of this type in `model`, own or
    /// inherited: its declaring type and its description.
    fn property_in(&self, model: &Model, name: &str) -> Option<(String, String)> {
        model
            .find(self.name)
            .into_iter()
            .flat_map(|id| model.all_properties(id))
            .find(|(_, p)| p.name == name)
            .map(|(owner, p)| {
                let owner = model.ty(owner).qualified_name();
                (owner, Self::describe_property(model, p))
            })
    }

    /// An own property gone: moved to a base type, the generated struct
    /// still has the field, unchanged or not.
    fn property_removed(&self, op: &PropertyDef) -> Change {
        use ChangeKind::PropertyRemoved;
        use Impact::*;
        let was = Self::describe_property(self.old, op);
        match self.property_in(self.new, &op.name) {
            Some((owner, is)) if is == was => self.change(
                Some(&op.name),
                PropertyRemoved,
                Compatible,
                format!("{was}; now inherited from `{owner}`"),
            ),
            Some((owner, is)) => self.change(
                Some(&op.name),
                PropertyRemoved,
                Breaking,
                format!("{was}; now inherited from `{owner}` as {is}"),
            ),
            None => self.change(Some(&op.name), PropertyRemoved, Breaking, was),
        }
    }

    /// An own property in both: its type and nullability.
    fn property_changed(&self, op: &PropertyDef, np: &PropertyDef, changes: &mut Vec<Change>) {
        use ChangeKind::*;
        use Impact::*;
        let (ot, nt) = (spell(self.old, op.ty), spell(self.new, np.ty));
        if ot != nt {
            changes.push(self.change(
                Some(&op.name),
                PropertyTypeChanged,
                Breaking,
                arrow(format!("`{ot}`"), format!("`{nt}`")),
            ));
        }
        if op.nullable != np.nullable {
            changes.push(self.change(
                Some(&op.name),
                PropertyNullabilityChanged,
                Breaking,
                arrow(nullability(op.nullable), nullability(np.nullable)),
            ));
        }
    }

    /// A new own property: if it was inherited, the generated struct had
    /// the field, unchanged or not.
    fn property_added(&self, np: &PropertyDef) -> Change {
        use ChangeKind::PropertyAdded;
        use Impact::*;
        let is = Self::describe_property(self.new, np);
        match self.property_in(self.old, &np.name) {
            Some((owner, was)) if was == is => self.change(
                Some(&np.name),
                PropertyAdded,
                Compatible,
                format!("{is}; was inherited from `{owner}`"),
            ),
            Some((owner, was)) => self.change(
                Some(&np.name),
                PropertyAdded,
                Breaking,
                format!("{is}; was inherited from `{owner}` as {was}"),
            ),
            None => self.change(Some(&np.name), PropertyAdded, Compatible, is),
        }
    }

    fn compare_navigations(
        &self,
        old: &[NavigationDef],
        new: &[NavigationDef],
        changes: &mut Vec<Change>,
    ) {
        use ChangeKind::*;
        use Impact::*;
        for on in old {
            let was = describe_navigation(self.old, on);
            match new.iter().find(|n| n.name == on.name) {
                None => changes.push(self.change(Some(&on.name), NavigationRemoved, Breaking, was)),
                Some(nn) => {
                    let is = describe_navigation(self.new, nn);
                    if was != is {
                        changes.push(self.change(
                            Some(&on.name),
                            NavigationChanged,
                            Breaking,
                            arrow(was, is),
                        ));
                    }
                }
            }
        }
        for nn in new {
            if !old.iter().any(|n| n.name == nn.name) {
                changes.push(self.change(
                    Some(&nn.name),
                    NavigationAdded,
                    Compatible,
                    describe_navigation(self.new, nn),
                ));
            }
        }
    }
}

/// An operation overload as text, for matching and describing.
struct Signature<'m> {
    model: &'m Model,
    op: &'m OperationDef,
}

impl Signature<'_> {
    fn kind(&self) -> &'static str {
        match self.op.kind {
            OperationKind::Action => "action",
            OperationKind::Function => "function",
        }
    }

    fn parameter(&self, p: &ParameterDef) -> String {
        format!("`{}`, {}", spell(self.model, p.ty), nullability(p.nullable))
    }

    fn returns(&self) -> String {
        match &self.op.return_type {
            Some(r) => format!("`{}`", spell(self.model, r.ty)),
            None => "none".to_owned(),
        }
    }

    /// `action (targets: `Collection(microsoft.graph.x)`, nullable) returning none`.
    fn describe(&self) -> String {
        let parameters: Vec<String> = self
            .op
            .parameters
            .iter()
            .map(|p| format!("{}: {}", p.name, self.parameter(p)))
            .collect();
        format!(
            "{} ({}) returning {}",
            self.kind(),
            parameters.join("; "),
            self.returns()
        )
    }
}

/// `namespace.name(binding type)`: how operations are matched across models;
/// overloads with one binding share it.
fn operation_subject(model: &Model, op: &OperationDef) -> String {
    let binding = op.binding.map(|b| spell(model, b)).unwrap_or_default();
    format!("{}.{}({binding})", op.namespace, op.name)
}

fn operations_in_scope<'m>(
    model: &'m Model,
    scope: &DiffScope,
) -> BTreeMap<String, Vec<&'m OperationDef>> {
    let mut out: BTreeMap<String, Vec<&OperationDef>> = BTreeMap::new();
    for op in &model.operations {
        let in_scope = match (scope, op.binding) {
            (DiffScope::All, _) => true,
            (
                DiffScope::Types(names),
                Some(TypeUse {
                    target: TypeTarget::Named(id),
                    ..
                }),
            ) => names.contains(&model.ty(id).qualified_name()),
            (DiffScope::Types(_), _) => false,
        };
        if in_scope {
            out.entry(operation_subject(model, op))
                .or_default()
                .push(op);
        }
    }
    out
}

fn compare_operations(old: &Model, new: &Model, scope: &DiffScope, changes: &mut Vec<Change>) {
    let old_ops = operations_in_scope(old, scope);
    let new_ops = operations_in_scope(new, scope);
    let subjects: BTreeSet<&String> = old_ops.keys().chain(new_ops.keys()).collect();
    for subject in subjects {
        let mut olds: Vec<Signature<'_>> = old_ops
            .get(subject)
            .into_iter()
            .flatten()
            .map(|&op| Signature { model: old, op })
            .collect();
        let mut news: Vec<Signature<'_>> = new_ops
            .get(subject)
            .into_iter()
            .flatten()
            .map(|&op| Signature { model: new, op })
            .collect();
        // Identical overloads first; what is left is compared one to one
        // when there is one of each, else reported as removed and added.
        olds.retain(
            |o| match news.iter().position(|n| n.describe() == o.describe()) {
                Some(i) => {
                    news.remove(i);
                    false
                }
                None => true,
            },
        );
        if olds.len() == 1 && news.len() == 1 {
            compare_operation(subject, &olds[0], &news[0], changes);
            continue;
        }
        for o in &olds {
            changes.push(Change::new(
                subject.as_str(),
                ChangeKind::OperationRemoved,
                Impact::Breaking,
                o.describe(),
            ));
        }
        for n in &news {
            changes.push(Change::new(
                subject.as_str(),
                ChangeKind::OperationAdded,
                Impact::Compatible,
                n.describe(),
            ));
        }
    }
}

fn compare_operation(
    subject: &str,
    o: &Signature<'_>,
    n: &Signature<'_>,
    changes: &mut Vec<Change>,
) {
    use ChangeKind::*;
    use Impact::Breaking;
    let member = |name: &str| format!("{subject}/{name}");
    if o.op.kind != n.op.kind {
        changes.push(Change::new(
            subject,
            OperationKindChanged,
            Breaking,
            arrow(o.kind(), n.kind()),
        ));
    }
    for op in &o.op.parameters {
        match n.op.parameters.iter().find(|p| p.name == op.name) {
            None => changes.push(Change::new(
                member(&op.name),
                OperationParameterRemoved,
                Breaking,
                o.parameter(op),
            )),
            Some(np) => {
                let (was, is) = (o.parameter(op), n.parameter(np));
                if was != is {
                    changes.push(Change::new(
                        member(&op.name),
                        OperationParameterChanged,
                        Breaking,
                        arrow(was, is),
                    ));
                }
            }
        }
    }
    for np in &n.op.parameters {
        if !o.op.parameters.iter().any(|p| p.name == np.name) {
            changes.push(Change::new(
                member(&np.name),
                OperationParameterAdded,
                Breaking,
                n.parameter(np),
            ));
        }
    }
    let (was, is) = (o.returns(), n.returns());
    if was != is {
        changes.push(Change::new(
            subject,
            OperationReturnChanged,
            Breaking,
            arrow(was, is),
        ));
    }
}
