//! The naming plan: every Rust name of an emission, decided once, next to the
//! wire name it stands for.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::csdl::Pos;
use crate::model::{Docs, Enum, Model, Primitive, TypeId, TypeKind, TypeTarget, TypeUse};
use crate::select::Selection;
use crate::{InternalError, Pass, Warning};

use super::names::{self, Scope};

/// Rust names of one selected type.
#[derive(Debug, Clone)]
pub struct TypeNames {
    /// Module path below `models` (empty for `microsoft.graph`).
    pub module: Vec<String>,
    /// The names of the type's items, by kind of type.
    pub items: ItemNames,
}

/// The names of a type's Rust items: one variant per kind of generated type,
/// each with exactly the names that kind has.
#[derive(Debug, Clone)]
pub enum ItemNames {
    /// A concrete structured type without derived types: one struct.
    Struct {
        /// The struct, used wherever the type is.
        name: String,
    },
    /// A structured type used through a polymorphic enum (it is abstract or
    /// has derived types).
    Polymorphic(PolymorphicNames),
    /// An enumeration type: an enum of its members.
    Enumeration {
        /// The enum, used wherever the type is.
        name: String,
        members: MemberNames,
    },
    /// A flags enumeration type: an enum of single members, and the set.
    Flags {
        /// The set (`Flags<member>`), used wherever the type is.
        set: String,
        /// The enum of single members (`…Member`).
        member: String,
        members: MemberNames,
    },
    /// A type definition: a newtype around its primitive.
    Newtype {
        /// The newtype, used wherever the type is.
        name: String,
    },
}

/// The names of a polymorphic enum and the struct beside it.
#[derive(Debug, Clone)]
pub struct PolymorphicNames {
    /// The enum, used wherever the type is: the type's own name when it is
    /// abstract, `…Kind` when it is concrete.
    pub enum_name: String,
    /// The struct of the type's properties: `…Base` when it is abstract,
    /// the type's own name when it is concrete.
    pub struct_name: String,
    /// One variant per selected concrete type (the type itself first when
    /// it is concrete, then its descendants): (type, variant name).
    pub variants: Vec<(TypeId, String)>,
    /// The variant for derived types this build does not know.
    pub catch_all: String,
    /// Accessor method names, parallel to the struct's fields.
    pub accessors: Vec<String>,
}

/// The variant names of an enumeration.
#[derive(Debug, Clone)]
pub struct MemberNames {
    /// One variant per member, parallel to the members.
    pub members: Vec<String>,
    /// The variant that keeps a member this build does not know.
    pub catch_all: String,
}

/// One field of a generated struct.
#[derive(Debug, Clone)]
pub struct FieldPlan {
    /// The JSON name.
    pub wire: String,
    /// The Rust field name.
    pub rust: String,
    pub ty: TypeUse,
    /// Whether an explicit `null` is allowed (three-state field).
    pub nullable: bool,
    /// Whether the value is boxed (a single-valued field inside a type cycle).
    pub boxed: bool,
    /// A navigation property (rather than a structural one).
    pub navigation: bool,
    pub docs: Docs,
}

/// Names of a struct's fields, including the two runtime fields.
#[derive(Debug, Clone)]
pub struct StructPlan {
    pub fields: Vec<FieldPlan>,
    /// The field keeping `@odata.type`.
    pub odata_type: String,
    /// The field keeping properties not in the schema.
    pub additional_data: String,
    /// Builder method names, parallel to `fields`.
    pub setters: Vec<String>,
}

/// The request builder structs of an entity type.
#[derive(Debug, Clone)]
pub struct BuilderNames {
    /// The builder of one entity (`…Request`).
    pub item: String,
    /// The builder of a collection (`…CollectionRequest`).
    pub collection: String,
}

/// Every name of one emission.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    types: HashMap<TypeId, TypeNames>,
    structs: HashMap<TypeId, StructPlan>,
    builders: HashMap<TypeId, BuilderNames>,
    pub warnings: Vec<Warning>,
}

impl Plan {
    /// The names of a selected type.
    pub fn names(&self, id: TypeId) -> Option<&TypeNames> {
        self.types.get(&id)
    }

    /// The struct plan of a selected structured type.
    pub fn struct_plan(&self, id: TypeId) -> Option<&StructPlan> {
        self.structs.get(&id)
    }

    /// The request builder names of an entity type that has builders.
    pub fn builder_names(&self, id: TypeId) -> Option<&BuilderNames> {
        self.builders.get(&id)
    }

    /// Drops every name decided for `id`, to test that the emitter fails
    /// loudly on a plan without them.
    #[cfg(test)]
    pub(crate) fn forget(&mut self, id: TypeId) {
        self.types.remove(&id);
        self.structs.remove(&id);
        self.builders.remove(&id);
    }
}

/// Whether a structured type is used through a polymorphic enum: it is
/// abstract (every value is of some derived type) or has derived types.
pub fn has_polymorphic_enum(model: &Model, id: TypeId) -> bool {
    model
        .structured(id)
        .is_some_and(|s| s.is_abstract || !s.derived.is_empty())
}

/// Module path below `models` for a namespace.
fn module_path(namespace: &str) -> Vec<String> {
    let rest = if namespace == "microsoft.graph" {
        ""
    } else {
        namespace
            .strip_prefix("microsoft.graph.")
            .unwrap_or(namespace)
    };
    rest.split('.')
        .filter(|s| !s.is_empty())
        .map(names::module_name)
        .collect()
}

/// Decides all names for a selection, pass after pass.
pub fn plan(model: &Model, selection: &Selection) -> Result<Plan, InternalError> {
    let mut planner = Planner::new(model, selection);
    planner.reserve_modules();
    // Type names in model order (schema order), so collisions resolve the
    // same way every time: first every type's own name (the primary item:
    // struct, enum or newtype), then the companion names a type needs
    // (`…Base`, `…Kind`, `…Member`), so a schema type named
    // `attachmentBase` keeps `AttachmentBase`.
    planner.primary_names();
    planner.companion_names();
    planner.members_and_variants()?;
    planner.struct_fields();
    planner.builder_names();
    planner.finish()
}

/// The names decided so far, pass by pass, and the warnings of renames.
struct Planner<'a> {
    model: &'a Model,
    selection: &'a Selection,
    /// Type names per module path.
    scopes: HashMap<Vec<String>, Scope>,
    /// Each type's own item: struct, enum or newtype.
    primary: HashMap<TypeId, String>,
    /// The second item of polymorphic and flags types.
    companion: HashMap<TypeId, String>,
    members: HashMap<TypeId, MemberNames>,
    /// Polymorphic types: variants and catch-all.
    variants: HashMap<TypeId, (Vec<(TypeId, String)>, String)>,
    /// Polymorphic types: accessor method names.
    accessors: HashMap<TypeId, Vec<String>>,
    structs: HashMap<TypeId, StructPlan>,
    builders: HashMap<TypeId, BuilderNames>,
    warnings: Vec<Warning>,
}

impl<'a> Planner<'a> {
    fn new(model: &'a Model, selection: &'a Selection) -> Self {
        Planner {
            model,
            selection,
            scopes: HashMap::new(),
            primary: HashMap::new(),
            companion: HashMap::new(),
            members: HashMap::new(),
            variants: HashMap::new(),
            accessors: HashMap::new(),
            structs: HashMap::new(),
            builders: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    fn warn(&mut self, pos: &Pos, message: String) {
        self.warnings.push(Warning {
            pos: Some(pos.clone()),
            message,
        });
    }

    /// Module names must not collide with type names in the parent module:
    /// every module segment is reserved first.
    fn reserve_modules(&mut self) {
        for &id in &self.selection.types {
            let path = module_path(&self.model.ty(id).namespace);
            for depth in 1..=path.len() {
                self.scopes
                    .entry(path[..depth - 1].to_vec())
                    .or_default()
                    .reserve(&path[depth - 1]);
            }
        }
    }

    /// Allocates a type name in the module of `id`, with a warning when
    /// `wanted` is taken.
    fn allocate_type_name(&mut self, id: TypeId, wanted: String) -> String {
        let t = self.model.ty(id);
        let scope = self.scopes.entry(module_path(&t.namespace)).or_default();
        let (name, renamed) = scope.allocate(&wanted);
        if renamed {
            let message = format!(
                "`{}` would be named `{wanted}`, which is taken; it is named `{name}`",
                t.qualified_name()
            );
            self.warn(&t.pos, message);
        }
        name
    }

    /// Pass 1: every type's own item (an abstract type's is its enum).
    fn primary_names(&mut self) {
        for &id in &self.selection.types {
            let name = self.allocate_type_name(id, names::type_name(&self.model.ty(id).name));
            self.primary.insert(id, name);
        }
    }

    /// Pass 2: the companion items, named from the type name's words
    /// (`SelfBase`, not `Self_Base`).
    fn companion_names(&mut self) {
        for &id in &self.selection.types {
            let t = self.model.ty(id);
            let suffix = match &t.kind {
                TypeKind::Structured(s) if has_polymorphic_enum(self.model, id) => {
                    if s.is_abstract {
                        "Base"
                    } else {
                        "Kind"
                    }
                }
                TypeKind::Enum(e) if e.is_flags => "Member",
                _ => continue,
            };
            let name = self.allocate_type_name(id, names::companion_name(&t.name, suffix));
            self.companion.insert(id, name);
        }
    }

    /// Pass 3: enumeration members and polymorphic variants.
    fn members_and_variants(&mut self) -> Result<(), InternalError> {
        for &id in &self.selection.types {
            match &self.model.ty(id).kind {
                TypeKind::Enum(e) => {
                    let members = self.enum_members(id, e);
                    self.members.insert(id, members);
                }
                TypeKind::Structured(s) if has_polymorphic_enum(self.model, id) => {
                    let variants = self.polymorphic_variants(id, s.is_abstract)?;
                    self.variants.insert(id, variants);
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn enum_members(&mut self, id: TypeId, e: &Enum) -> MemberNames {
        let mut scope = Scope::new();
        let mut members = Vec::new();
        for m in &e.members {
            let wanted = names::variant_name(&m.name);
            let (name, renamed) = scope.allocate(&wanted);
            if renamed {
                let message = format!(
                    "member `{}` of `{}` would be variant `{wanted}`, which is taken; it is `{name}`",
                    m.name,
                    self.model.ty(id).qualified_name()
                );
                self.warn(&m.pos, message);
            }
            members.push(name);
        }
        let (catch_all, _) = scope.allocate("Unrecognized");
        MemberNames { members, catch_all }
    }

    /// One variant per selected concrete type, named after its struct.
    fn polymorphic_variants(
        &self,
        id: TypeId,
        is_abstract: bool,
    ) -> Result<(Vec<(TypeId, String)>, String), InternalError> {
        let model = self.model;
        let selected = &self.selection.types;
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        let concrete = std::iter::once(id)
            .filter(|_| !is_abstract)
            .chain(model.descendants(id))
            .filter(|d| selected.contains(d))
            .filter(|d| model.structured(*d).is_some_and(|s| !s.is_abstract));
        for d in concrete {
            // A concrete type's own item is its struct.
            let Some(wanted) = self.primary.get(&d) else {
                return Err(InternalError::new(
                    Pass::Variants,
                    Some(model.ty(d).qualified_name()),
                    format!(
                        "the variant of `{}` has no struct name to be named after",
                        model.ty(id).qualified_name()
                    ),
                ));
            };
            let (name, _) = scope.allocate(wanted);
            variants.push((d, name));
        }
        let (catch_all, _) = scope.allocate("Unknown");
        Ok((variants, catch_all))
    }

    /// Pass 4: struct fields, accessors and setters.
    fn struct_fields(&mut self) {
        let boxed = boxed_fields(self.model, &self.selection.types);
        for &id in &self.selection.types {
            if self.model.structured(id).is_none() {
                continue;
            }
            // The runtime fields come first, so that every struct has them
            // under the same names; a schema property that converts to one
            // of them (`additionalData`) gets a suffix instead.
            let mut scope = Scope::new();
            scope.allocate("odata_type");
            scope.allocate("additional_data");
            let mut fields = self.property_fields(id, &boxed, &mut scope);
            fields.extend(self.navigation_fields(id, &boxed, &mut scope));
            if has_polymorphic_enum(self.model, id) {
                let mut methods = Scope::new();
                methods.reserve("odata_type");
                methods.reserve("additional_data");
                let accessors = fields.iter().map(|f| methods.allocate(&f.rust).0).collect();
                self.accessors.insert(id, accessors);
            }
            let mut setter_scope = Scope::new();
            let setters = fields
                .iter()
                .map(|f| setter_scope.allocate(&names::setter_name(&f.rust)).0)
                .collect();
            let plan = StructPlan {
                fields,
                odata_type: "odata_type".to_owned(),
                additional_data: "additional_data".to_owned(),
                setters,
            };
            self.structs.insert(id, plan);
        }
    }

    /// Allocates a field name, with a warning (for the declaring type
    /// only) when `wanted` is taken.
    fn allocate_field(
        &mut self,
        scope: &mut Scope,
        (id, owner): (TypeId, TypeId),
        (what, csdl, pos): (&str, &str, &Pos),
    ) -> String {
        let wanted = names::field_name(csdl);
        let (rust, renamed) = scope.allocate(&wanted);
        if renamed && owner == id {
            let message = format!(
                "{what} `{csdl}` of `{}` would be field `{wanted}`, which is taken; it is `{rust}`",
                self.model.ty(id).qualified_name()
            );
            self.warn(pos, message);
        }
        rust
    }

    /// The fields of structural properties (streams are content requests,
    /// not JSON properties).
    fn property_fields(
        &mut self,
        id: TypeId,
        boxed: &HashSet<(TypeId, String)>,
        scope: &mut Scope,
    ) -> Vec<FieldPlan> {
        let mut fields = Vec::new();
        for (owner, p) in self.model.all_properties(id) {
            if p.ty.target == TypeTarget::Primitive(Primitive::Stream) {
                continue;
            }
            let rust = self.allocate_field(scope, (id, owner), ("property", &p.name, &p.pos));
            fields.push(FieldPlan {
                wire: p.name.clone(),
                rust,
                ty: p.ty,
                nullable: p.nullable,
                boxed: !p.ty.collection && boxed.contains(&(owner, p.name.clone())),
                navigation: false,
                docs: p.docs.clone(),
            });
        }
        fields
    }

    /// The fields of navigation properties to selected types.
    fn navigation_fields(
        &mut self,
        id: TypeId,
        boxed: &HashSet<(TypeId, String)>,
        scope: &mut Scope,
    ) -> Vec<FieldPlan> {
        let mut fields = Vec::new();
        for (owner, n) in self.model.all_navigations(id) {
            if !self.selection.types.contains(&n.target) {
                continue;
            }
            let what = ("navigation property", n.name.as_str(), &n.pos);
            let rust = self.allocate_field(scope, (id, owner), what);
            fields.push(FieldPlan {
                wire: n.name.clone(),
                rust,
                ty: TypeUse {
                    collection: n.collection,
                    target: TypeTarget::Named(n.target),
                },
                nullable: n.nullable,
                boxed: !n.collection && boxed.contains(&(owner, n.name.clone())),
                navigation: true,
                docs: n.docs.clone(),
            });
        }
        fields
    }

    /// Pass 5: request builder names, in their own module, named from the
    /// type name's words (`SelfRequest`, not `Self_Request`).
    fn builder_names(&mut self) {
        let mut scope = Scope::new();
        for &id in self.selection.builders.keys() {
            let name = &self.model.ty(id).name;
            let item = scope.allocate(&names::companion_name(name, "Request")).0;
            let collection = scope
                .allocate(&names::companion_name(name, "CollectionRequest"))
                .0;
            self.builders.insert(id, BuilderNames { item, collection });
        }
    }

    /// Pass 6: each type's names by kind, from what the passes decided.
    fn finish(mut self) -> Result<Plan, InternalError> {
        let mut types = HashMap::with_capacity(self.selection.types.len());
        for &id in &self.selection.types {
            let t = self.model.ty(id);
            let items = self.items(id)?;
            let module = module_path(&t.namespace);
            types.insert(id, TypeNames { module, items });
        }
        Ok(Plan {
            types,
            structs: self.structs,
            builders: self.builders,
            warnings: self.warnings,
        })
    }

    /// The names of one type's items; every name its kind needs must have
    /// been decided.
    fn items(&mut self, id: TypeId) -> Result<ItemNames, InternalError> {
        let t = self.model.ty(id);
        let missing = |what: &str| {
            InternalError::new(
                Pass::Assemble,
                Some(t.qualified_name()),
                format!("no {what} was decided"),
            )
        };
        let primary = self
            .primary
            .remove(&id)
            .ok_or_else(|| missing("type name"))?;
        let mut companion = || {
            self.companion
                .remove(&id)
                .ok_or_else(|| missing("companion name"))
        };
        Ok(match &t.kind {
            TypeKind::Structured(s) if has_polymorphic_enum(self.model, id) => {
                let companion = companion()?;
                let (enum_name, struct_name) = if s.is_abstract {
                    (primary, companion)
                } else {
                    (companion, primary)
                };
                let (variants, catch_all) = self
                    .variants
                    .remove(&id)
                    .ok_or_else(|| missing("variant"))?;
                let accessors = self
                    .accessors
                    .remove(&id)
                    .ok_or_else(|| missing("accessor"))?;
                ItemNames::Polymorphic(PolymorphicNames {
                    enum_name,
                    struct_name,
                    variants,
                    catch_all,
                    accessors,
                })
            }
            TypeKind::Structured(_) => ItemNames::Struct { name: primary },
            TypeKind::Enum(e) if e.is_flags => ItemNames::Flags {
                set: primary,
                member: companion()?,
                members: self
                    .members
                    .remove(&id)
                    .ok_or_else(|| missing("member name"))?,
            },
            TypeKind::Enum(_) => ItemNames::Enumeration {
                name: primary,
                members: self
                    .members
                    .remove(&id)
                    .ok_or_else(|| missing("member name"))?,
            },
            TypeKind::Definition(_) => ItemNames::Newtype { name: primary },
        })
    }
}

/// Fields `(declaring type, wire name)` that must be boxed: single-valued
/// structured fields whose target can contain, by value, a struct that has
/// the field. Decided per declaring type, so that every struct inheriting the
/// field boxes it alike (the enum accessors rely on it).
fn boxed_fields(model: &Model, selected: &BTreeSet<TypeId>) -> HashSet<(TypeId, String)> {
    // Edges: a type's struct/enum holds these types by value, through a field
    // (target, declaring type, wire name); enum variants have no name.
    let mut edges: HashMap<TypeId, Vec<(TypeId, TypeId, String)>> = HashMap::new();
    for &id in selected {
        let Some(s) = model.structured(id) else {
            continue;
        };
        let mut out = Vec::new();
        for (owner, p) in model.all_properties(id) {
            if let (false, TypeTarget::Named(t)) = (p.ty.collection, p.ty.target) {
                if model.structured(t).is_some() {
                    out.push((t, owner, p.name.clone()));
                }
            }
        }
        for (owner, n) in model.all_navigations(id) {
            if !n.collection && selected.contains(&n.target) {
                out.push((n.target, owner, n.name.clone()));
            }
        }
        if s.is_abstract || !s.derived.is_empty() {
            for d in model.descendants(id) {
                out.push((d, id, String::new()));
            }
        }
        edges.insert(id, out);
    }
    let scc = tarjan(selected, &edges);
    let mut boxed = HashSet::new();
    for (from, list) in &edges {
        for (to, owner, name) in list {
            if !name.is_empty() && scc.get(from) == scc.get(to) {
                boxed.insert((*owner, name.clone()));
            }
        }
    }
    boxed
}

/// Strongly connected components (iterative Tarjan): component index per node.
fn tarjan(
    nodes: &BTreeSet<TypeId>,
    edges: &HashMap<TypeId, Vec<(TypeId, TypeId, String)>>,
) -> HashMap<TypeId, usize> {
    let mut index: HashMap<TypeId, usize> = HashMap::new();
    let mut low: HashMap<TypeId, usize> = HashMap::new();
    let mut on_stack: HashSet<TypeId> = HashSet::new();
    let mut stack: Vec<TypeId> = Vec::new();
    let mut component: HashMap<TypeId, usize> = HashMap::new();
    let mut next_index = 0usize;
    let mut next_component = 0usize;
    let empty = Vec::new();
    for &root in nodes {
        if index.contains_key(&root) {
            continue;
        }
        // (node, next edge position)
        let mut work: Vec<(TypeId, usize)> = vec![(root, 0)];
        index.insert(root, next_index);
        low.insert(root, next_index);
        next_index += 1;
        stack.push(root);
        on_stack.insert(root);
        while let Some(&mut (node, ref mut pos)) = work.last_mut() {
            let list = edges.get(&node).unwrap_or(&empty);
            if *pos < list.len() {
                let (next, _, _) = list[*pos];
                *pos += 1;
                if !nodes.contains(&next) {
                    continue;
                }
                if let Some(&ni) = index.get(&next) {
                    if on_stack.contains(&next) {
                        let l = low[&node].min(ni);
                        low.insert(node, l);
                    }
                } else {
                    index.insert(next, next_index);
                    low.insert(next, next_index);
                    next_index += 1;
                    stack.push(next);
                    on_stack.insert(next);
                    work.push((next, 0));
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    let l = low[&parent].min(low[&node]);
                    low.insert(parent, l);
                }
                if low[&node] == index[&node] {
                    while let Some(member) = stack.pop() {
                        on_stack.remove(&member);
                        component.insert(member, next_component);
                        if member == node {
                            break;
                        }
                    }
                    next_component += 1;
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{model, select};

    /// An abstract complex type with one concrete derived type, and a flags
    /// enumeration.
    const FIXTURE: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="shape" Abstract="true"><Property Name="area" Type="Edm.Double" /></ComplexType>
      <ComplexType Name="circle" BaseType="ns.shape" />
      <EnumType Name="colour" IsFlags="true"><Member Name="red" Value="1" /></EnumType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

    fn fixture() -> (Model, Selection) {
        let (model, _) = model::load(&[("fixture.xml", FIXTURE)]).expect("the fixture loads");
        let (selection, _) = select::select_all(&model);
        (model, selection)
    }

    #[test]
    fn every_selected_type_gets_the_names_of_its_kind() {
        let (model, selection) = fixture();
        let plan = plan(&model, &selection).expect("planned");
        let names = |name: &str| {
            let id = model.find(name).expect("in the fixture");
            &plan.names(id).expect("named").items
        };
        let ItemNames::Polymorphic(shape) = names("ns.shape") else {
            panic!("an abstract type is polymorphic");
        };
        assert_eq!(
            (&*shape.enum_name, &*shape.struct_name),
            ("Shape", "ShapeBase")
        );
        let circle = model.find("ns.circle").expect("in the fixture");
        assert_eq!(shape.variants, [(circle, "Circle".to_owned())]);
        assert_eq!((&*shape.catch_all, shape.accessors.len()), ("Unknown", 1));
        assert!(matches!(names("ns.circle"), ItemNames::Struct { name } if name == "Circle"));
        let ItemNames::Flags {
            set,
            member,
            members,
        } = names("ns.colour")
        else {
            panic!("a flags enumeration");
        };
        assert_eq!((&**set, &**member), ("Colour", "ColourMember"));
        assert_eq!(members.members, ["Red"]);
    }

    #[test]
    fn a_variant_without_a_struct_name_is_an_error_of_the_variants_pass() {
        let (model, selection) = fixture();
        let mut planner = Planner::new(&model, &selection);
        planner.reserve_modules();
        // Without the primary pass, no concrete type has its struct name.
        planner.companion_names();
        let e = planner.members_and_variants().expect_err("no struct names");
        assert_eq!(e.pass, Pass::Variants);
        assert_eq!(e.type_name.as_deref(), Some("ns.circle"));
        assert!(e.problem.contains("`ns.shape`"), "{e}");
    }

    #[test]
    fn a_name_no_pass_decided_is_an_error_when_the_names_are_assembled() {
        let (model, selection) = fixture();
        let mut planner = Planner::new(&model, &selection);
        planner.reserve_modules();
        planner.primary_names();
        // No companion pass: no `…Base`, no `…Member`.
        planner
            .members_and_variants()
            .expect("struct names are there");
        planner.struct_fields();
        let e = planner.finish().expect_err("no companion names");
        assert_eq!(e.pass, Pass::Assemble);
        assert_eq!(e.type_name.as_deref(), Some("ns.shape"));
        assert!(e.problem.contains("companion name"), "{e}");
    }
}
