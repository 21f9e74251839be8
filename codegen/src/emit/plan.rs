//! The naming plan: every Rust name of an emission, decided once, next to the
//! wire name it stands for.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::csdl::Pos;
use crate::model::{Docs, Model, TypeId, TypeKind, TypeTarget, TypeUse};
use crate::select::Selection;
use crate::Warning;

use super::names::{self, Scope};

/// Rust names of one selected type.
#[derive(Debug, Clone, Default)]
pub struct TypeNames {
    /// Module path below `models` (empty for `microsoft.graph`).
    pub module: Vec<String>,
    /// The struct holding the type's properties (structured types).
    pub struct_name: Option<String>,
    /// The polymorphic enum (structured types that are abstract or have
    /// derived types) or the enumeration (enum types) or the newtype (type
    /// definitions).
    pub enum_name: Option<String>,
    /// Polymorphic enums: one variant per concrete type (`TypeId`, variant name).
    pub variants: Vec<(TypeId, String)>,
    /// Polymorphic enums: the variant for unknown types. Enumerations: the
    /// variant that keeps an unknown member.
    pub catch_all: String,
    /// Enumerations: Rust variant names, parallel to the members.
    pub members: Vec<String>,
    /// Polymorphic enums: accessor method names, parallel to the struct's fields.
    pub accessors: Vec<String>,
    /// Flags enums: the enum of single members (`enum_name` is then the set type).
    pub flag_member: Option<String>,
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

/// Every name of one emission.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    types: HashMap<TypeId, TypeNames>,
    structs: HashMap<TypeId, StructPlan>,
    /// Request builder struct names per entity type: (item, collection).
    pub builders: HashMap<TypeId, (String, String)>,
    pub warnings: Vec<Warning>,
}

impl Plan {
    /// The names of a selected type.
    pub fn names(&self, id: TypeId) -> &TypeNames {
        static EMPTY: std::sync::OnceLock<TypeNames> = std::sync::OnceLock::new();
        self.types
            .get(&id)
            .unwrap_or_else(|| EMPTY.get_or_init(TypeNames::default))
    }

    /// Whether a type was selected and named.
    pub fn has(&self, id: TypeId) -> bool {
        self.types.contains_key(&id)
    }

    /// The module path of a type.
    pub fn module_of(&self, id: TypeId) -> &[String] {
        &self.names(id).module
    }

    /// The struct plan of a structured type.
    pub fn struct_plan(&self, id: TypeId) -> Option<&StructPlan> {
        self.structs.get(&id)
    }
}

fn warn(plan: &mut Plan, pos: &Pos, message: String) {
    plan.warnings.push(Warning {
        pos: Some(pos.clone()),
        message,
    });
}

/// The two passes of type naming.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Primary,
    Companion,
}

/// Whether a structured type is used through a polymorphic enum: it is
/// abstract (every value is of some derived type) or has derived types.
pub fn is_polymorphic(model: &Model, id: TypeId) -> bool {
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

/// Decides all names for a selection.
pub fn plan(model: &Model, selection: &Selection) -> Plan {
    let mut plan = Plan::default();
    let mut scopes: HashMap<Vec<String>, Scope> = HashMap::new();
    let selected = &selection.types;

    // Module names must not collide with type names in the parent module:
    // reserve every module segment first.
    for &id in selected {
        let path = module_path(&model.ty(id).namespace);
        for depth in 1..=path.len() {
            scopes
                .entry(path[..depth - 1].to_vec())
                .or_default()
                .reserve(&path[depth - 1]);
        }
    }

    // 1. Type names, in model order (schema order) so collisions resolve the
    //    same way every time: first every type's own name (the primary
    //    item: struct, enum or newtype), then the companion names a type
    //    needs (`…Base`, `…Kind`, `…Member`), so a schema type named
    //    `attachmentBase` keeps `AttachmentBase`.
    for pass in [Pass::Primary, Pass::Companion] {
        for &id in selected {
            let t = model.ty(id);
            let module = module_path(&t.namespace);
            let scope = scopes.entry(module.clone()).or_default();
            let base = names::type_name(&t.name);
            let mut names = plan.types.remove(&id).unwrap_or_else(|| TypeNames {
                module,
                ..TypeNames::default()
            });
            let mut alloc = |wanted: String, plan: &mut Plan| {
                let (name, renamed) = scope.allocate(&wanted);
                if renamed {
                    warn(
                        plan,
                        &t.pos,
                        format!(
                            "`{}` would be named `{wanted}`, which is taken; it is named `{name}`",
                            t.qualified_name()
                        ),
                    );
                }
                name
            };
            let abstract_polymorphic =
                is_polymorphic(model, id) && model.structured(id).is_some_and(|s| s.is_abstract);
            match (&t.kind, pass) {
                (TypeKind::Structured(_), Pass::Primary) => {
                    if abstract_polymorphic {
                        names.enum_name = Some(alloc(base, &mut plan));
                    } else {
                        names.struct_name = Some(alloc(base, &mut plan));
                    }
                }
                (TypeKind::Structured(_), Pass::Companion) if is_polymorphic(model, id) => {
                    if abstract_polymorphic {
                        names.struct_name = Some(alloc(format!("{base}Base"), &mut plan));
                    } else {
                        names.enum_name = Some(alloc(format!("{base}Kind"), &mut plan));
                    }
                }
                (TypeKind::Enum(_) | TypeKind::Definition(_), Pass::Primary) => {
                    names.enum_name = Some(alloc(base, &mut plan));
                }
                (TypeKind::Enum(e), Pass::Companion) if e.is_flags => {
                    names.flag_member = Some(alloc(format!("{base}Member"), &mut plan));
                }
                _ => {}
            }
            plan.types.insert(id, names);
        }
    }

    // 2. Enum members and polymorphic variants.
    for &id in selected {
        let t = model.ty(id);
        match &t.kind {
            TypeKind::Enum(e) => {
                let mut scope = Scope::new();
                let mut members = Vec::new();
                for m in &e.members {
                    let wanted = names::variant_name(&m.name);
                    let (name, renamed) = scope.allocate(&wanted);
                    if renamed {
                        warn(
                            &mut plan,
                            &m.pos,
                            format!(
                                "member `{}` of `{}` would be variant `{wanted}`, which is taken; it is `{name}`",
                                m.name,
                                t.qualified_name()
                            ),
                        );
                    }
                    members.push(name);
                }
                let (catch_all, _) = scope.allocate("Unrecognized");
                if let Some(n) = plan.types.get_mut(&id) {
                    n.members = members;
                    n.catch_all = catch_all;
                }
            }
            TypeKind::Structured(s) if is_polymorphic(model, id) => {
                let mut scope = Scope::new();
                let mut variants = Vec::new();
                let concrete = std::iter::once(id)
                    .filter(|_| !s.is_abstract)
                    .chain(model.descendants(id))
                    .filter(|d| selected.contains(d))
                    .filter(|d| model.structured(*d).is_some_and(|s| !s.is_abstract));
                for d in concrete.collect::<Vec<_>>() {
                    let wanted = plan.names(d).struct_name.clone().unwrap_or_default();
                    let (name, _) = scope.allocate(&wanted);
                    variants.push((d, name));
                }
                let (catch_all, _) = scope.allocate("Unknown");
                if let Some(n) = plan.types.get_mut(&id) {
                    n.variants = variants;
                    n.catch_all = catch_all;
                }
            }
            _ => {}
        }
    }

    // 3. Struct fields.
    let boxed = boxed_fields(model, selected);
    for &id in selected {
        if model.structured(id).is_none() {
            continue;
        }
        let t = model.ty(id);
        // The runtime fields come first, so that every struct has them under
        // the same names; a schema property that converts to one of them
        // (`additionalData`) gets a suffix instead.
        let mut scope = Scope::new();
        scope.allocate("odata_type");
        scope.allocate("additional_data");
        let mut fields = Vec::new();
        for (owner, p) in model.all_properties(id) {
            if matches!(
                p.ty.target,
                TypeTarget::Primitive(crate::model::Primitive::Stream)
            ) {
                continue; // streams are content requests, not JSON properties
            }
            let wanted = names::field_name(&p.name);
            let (rust, renamed) = scope.allocate(&wanted);
            if renamed && owner == id {
                warn(
                    &mut plan,
                    &p.pos,
                    format!(
                        "property `{}` of `{}` would be field `{wanted}`, which is taken; it is `{rust}`",
                        p.name,
                        t.qualified_name()
                    ),
                );
            }
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
        for (owner, n) in model.all_navigations(id) {
            if !selected.contains(&n.target) {
                continue;
            }
            let wanted = names::field_name(&n.name);
            let (rust, renamed) = scope.allocate(&wanted);
            if renamed && owner == id {
                warn(
                    &mut plan,
                    &n.pos,
                    format!(
                        "navigation property `{}` of `{}` would be field `{wanted}`, which is taken; it is `{rust}`",
                        n.name,
                        t.qualified_name()
                    ),
                );
            }
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
        let odata_type = "odata_type".to_owned();
        let additional_data = "additional_data".to_owned();
        if is_polymorphic(model, id) {
            let mut methods = Scope::new();
            methods.reserve("odata_type");
            methods.reserve("additional_data");
            let accessors = fields.iter().map(|f| methods.allocate(&f.rust).0).collect();
            if let Some(n) = plan.types.get_mut(&id) {
                n.accessors = accessors;
            }
        }
        let mut setter_scope = Scope::new();
        let setters = fields
            .iter()
            .map(|f| setter_scope.allocate(&names::setter_name(&f.rust)).0)
            .collect();
        plan.structs.insert(
            id,
            StructPlan {
                fields,
                odata_type,
                additional_data,
                setters,
            },
        );
    }

    // 4. Request builder names, in their own module.
    let mut scope = Scope::new();
    for &id in selection.builders.keys() {
        let base = names::type_name(&model.ty(id).name);
        let item = scope.allocate(&format!("{base}Request")).0;
        let collection = scope.allocate(&format!("{base}CollectionRequest")).0;
        plan.builders.insert(id, (item, collection));
    }
    plan
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
