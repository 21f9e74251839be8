//! What to emit: a dependency closure over the model from the configured roots
//! and request-builder paths, or everything.
//!
//! Types are closed over base types, derived types and the types of
//! properties, navigation properties and operation parameters. Derived types
//! are followed only from types that are *used* (roots, property and parameter
//! types, builder types), not from types reached only as a base type: taking
//! `microsoft.graph.entity` as a base must not pull in every entity type.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Entry;
use crate::model::{Model, OperationId, Restrictions, TypeId, TypeTarget, TypeUse};
use crate::Warning;

/// The suffix of a path that also selects everything contained below its end.
pub const SUBTREE: &str = "/**";

/// The selected part of a model.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Types to emit as models, in model (document) order.
    pub types: BTreeSet<TypeId>,
    /// Entity types that get request builders.
    pub builders: BTreeMap<TypeId, BuilderSpec>,
    /// Entity sets and singletons the client starts paths from, in container order.
    pub entry_points: Vec<EntryPoint>,
}

/// The request builders of one entity type.
#[derive(Debug, Clone, Default)]
pub struct BuilderSpec {
    /// Navigation properties offered on the item builder, by name, in the
    /// order of [`Model::all_navigations`].
    pub navigations: BTreeSet<String>,
    /// Whether a collection builder is needed (some path reaches a collection of it).
    pub collection: bool,
    /// What paths to the item allow (union over paths).
    pub item: Restrictions,
    /// What paths to the collection allow (union over paths).
    pub collection_restrictions: Restrictions,
    /// Whether the operations bound to the type come along: the type ends a
    /// path or lies in a `/**` subtree (not just passed through).
    pub with_operations: bool,
    /// Bound operations on the item builder.
    pub item_operations: Vec<OperationId>,
    /// Bound operations on the collection builder.
    pub collection_operations: Vec<OperationId>,
}

/// A path start on the client.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryPoint {
    /// The entity set or singleton name.
    pub name: String,
    pub ty: TypeId,
    /// An entity set (`true`) or a singleton.
    pub collection: bool,
    pub restrictions: Restrictions,
}

fn none() -> Restrictions {
    Restrictions {
        insertable: false,
        updatable: false,
        deletable: false,
    }
}

fn union(a: &mut Restrictions, b: Restrictions) {
    a.insertable |= b.insertable;
    a.updatable |= b.updatable;
    a.deletable |= b.deletable;
}

/// A root or path of the config that names nothing in the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which config entry.
    pub entry: Entry,
    /// What is wrong, naming the entry and the missing item in backticks.
    pub message: String,
}

/// Selects from `roots` (qualified type names) and `paths` (container-rooted
/// navigation paths, `/**` at the end for the whole subtree). Fails naming
/// every root or path segment that does not exist.
pub fn select(
    model: &Model,
    roots: &[String],
    paths: &[String],
) -> Result<(Selection, Vec<Warning>), Vec<Problem>> {
    let (selection, problems) = select_from(model, roots, paths);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((selection, Vec::new()))
}

/// Like [`select`], but a root or path segment that does not exist is
/// skipped (a path is followed as far as it exists) and reported as a
/// warning instead of failing: for comparing schemas, where a type missing
/// from one of them is a finding, not an error.
pub fn select_lenient(
    model: &Model,
    roots: &[String],
    paths: &[String],
) -> (Selection, Vec<Warning>) {
    let (selection, problems) = select_from(model, roots, paths);
    let warnings = problems
        .into_iter()
        .map(|p| Warning {
            pos: None,
            message: p.message,
        })
        .collect();
    (selection, warnings)
}

/// The selection from whatever roots and path segments exist, and a
/// message for each one that does not.
fn select_from(model: &Model, roots: &[String], paths: &[String]) -> (Selection, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut closure = Closure::new(model);
    let mut builders: BTreeMap<TypeId, BuilderSpec> = BTreeMap::new();
    let mut entry_points: Vec<EntryPoint> = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        match model.find(root) {
            Some(id) => closure.use_type(id),
            None => problems.push(Problem {
                entry: Entry::Root(i),
                message: format!("root `{root}` is not a type of the schema"),
            }),
        }
    }
    for (i, path) in paths.iter().enumerate() {
        let mut walk = PathWalk {
            model,
            builders: &mut builders,
            entry_points: &mut entry_points,
        };
        if let Err(message) = walk.path(path) {
            problems.push(Problem {
                entry: Entry::Path(i),
                message,
            });
        }
    }
    for id in builders.keys() {
        closure.use_type(*id);
    }
    attach_operations(model, &mut builders, &mut closure);
    entry_points.sort_by_key(|e| entry_order(model, &e.name));
    (
        Selection {
            types: closure.finish(),
            builders,
            entry_points,
        },
        problems,
    )
}

/// What following a config path adds to: builders and entry points.
struct PathWalk<'a, 'm> {
    model: &'m Model,
    builders: &'a mut BTreeMap<TypeId, BuilderSpec>,
    entry_points: &'a mut Vec<EntryPoint>,
}

impl PathWalk<'_, '_> {
    /// Follows `path` from its entity set or singleton as far as it exists;
    /// `Err` says where it stops.
    fn path(&mut self, path: &str) -> Result<(), String> {
        let (walk, subtree) = match path.strip_suffix(SUBTREE) {
            Some(prefix) => (prefix, true),
            None => (path, false),
        };
        let mut segments = walk.split('/').filter(|s| !s.is_empty());
        let Some(first) = segments.next() else {
            return Err(format!("path `{path}` is empty"));
        };
        if let Some(bad) = walk.split('/').find(|s| s.contains('*')) {
            return Err(format!("path `{path}`: `{bad}` is not a navigation property name; only a trailing `/**` is a pattern"));
        }
        let Some(entry) = find_entry(self.model, first) else {
            return Err(format!(
                "path `{path}`: `{first}` is not an entity set or singleton of the schema"
            ));
        };
        if !self.entry_points.iter().any(|e| e.name == entry.name) {
            self.entry_points.push(entry.clone());
        }
        mark(
            self.builders,
            entry.ty,
            entry.collection,
            entry.restrictions,
        );
        let end = self.segments(path, entry.ty, segments)?;
        self.builders.entry(end).or_default().with_operations = true;
        if subtree {
            select_contained(self.model, self.builders, end);
        }
        Ok(())
    }

    /// Follows navigation `segments` from `start`, offering each on the
    /// builder it leaves; the type the last one reaches.
    fn segments<'s>(
        &mut self,
        path: &str,
        start: TypeId,
        segments: impl Iterator<Item = &'s str>,
    ) -> Result<TypeId, String> {
        let mut current = start;
        for segment in segments {
            let found = self
                .model
                .all_navigations(current)
                .into_iter()
                .find(|(_, n)| n.name == segment)
                .map(|(_, n)| n.clone());
            let Some(nav) = found else {
                return Err(format!(
                    "path `{path}`: `{}` has no navigation property `{segment}`",
                    self.model.ty(current).qualified_name()
                ));
            };
            offer_navigation(self.builders, current, &nav.name);
            current = nav.target;
            mark(self.builders, current, nav.collection, nav.restrictions);
        }
        Ok(current)
    }
}

/// Selects every type, and builders for every entity type with all its
/// navigation properties, starting from every entity set and singleton.
pub fn select_all(model: &Model) -> (Selection, Vec<Warning>) {
    let mut closure = Closure::new(model);
    let mut builders: BTreeMap<TypeId, BuilderSpec> = BTreeMap::new();
    for t in &model.types {
        closure.use_type(t.id);
    }
    let mut entry_points = Vec::new();
    for c in &model.containers {
        for s in &c.singletons {
            entry_points.push(EntryPoint {
                name: s.name.clone(),
                ty: s.ty,
                collection: false,
                restrictions: singleton_restrictions(s.restrictions),
            });
        }
        for s in &c.entity_sets {
            entry_points.push(EntryPoint {
                name: s.name.clone(),
                ty: s.entity_type,
                collection: true,
                restrictions: s.restrictions,
            });
        }
    }
    for e in &entry_points {
        mark(&mut builders, e.ty, e.collection, e.restrictions);
    }
    for t in &model.types {
        if let Some(s) = t.as_structured() {
            if s.kind == crate::csdl::StructuredKind::Entity {
                builders.entry(t.id).or_default();
            }
        }
    }
    let ids: Vec<TypeId> = builders.keys().copied().collect();
    for id in ids {
        for (_, nav) in model.all_navigations(id) {
            offer_navigation(&mut builders, id, &nav.name);
            mark(&mut builders, nav.target, nav.collection, nav.restrictions);
        }
    }
    // Everything is selected: every builder takes its operations.
    for spec in builders.values_mut() {
        spec.with_operations = true;
    }
    attach_operations(model, &mut builders, &mut closure);
    entry_points.sort_by_key(|e| entry_order(model, &e.name));
    (
        Selection {
            types: closure.finish(),
            builders,
            entry_points,
        },
        Vec::new(),
    )
}

/// Marks every containment navigation below `top`, recursively: the
/// subtree a trailing `/**` selects. Each type is expanded once, so
/// recursive containment (folders in folders) ends.
fn select_contained(model: &Model, builders: &mut BTreeMap<TypeId, BuilderSpec>, top: TypeId) {
    let mut expanded = BTreeSet::new();
    let mut stack = vec![top];
    while let Some(current) = stack.pop() {
        if !expanded.insert(current) {
            continue;
        }
        for (_, nav) in model.all_navigations(current) {
            if !nav.contains_target {
                continue;
            }
            offer_navigation(builders, current, &nav.name);
            mark(builders, nav.target, nav.collection, nav.restrictions);
            builders.entry(nav.target).or_default().with_operations = true;
            stack.push(nav.target);
        }
    }
}

/// Offers navigation property `name` on the item builder of `ty`.
fn offer_navigation(builders: &mut BTreeMap<TypeId, BuilderSpec>, ty: TypeId, name: &str) {
    builders
        .entry(ty)
        .or_default()
        .navigations
        .insert(name.to_owned());
}

fn mark(
    builders: &mut BTreeMap<TypeId, BuilderSpec>,
    ty: TypeId,
    collection: bool,
    restrictions: Restrictions,
) {
    let spec = builders.entry(ty).or_insert_with(|| BuilderSpec {
        item: none(),
        collection_restrictions: none(),
        ..BuilderSpec::default()
    });
    if collection {
        spec.collection = true;
        union(&mut spec.collection_restrictions, restrictions);
    }
    union(&mut spec.item, restrictions);
}

fn entry_order(model: &Model, name: &str) -> (usize, usize) {
    for c in &model.containers {
        if let Some(i) = c.singletons.iter().position(|s| s.name == name) {
            return (0, i);
        }
        if let Some(i) = c.entity_sets.iter().position(|s| s.name == name) {
            return (1, i);
        }
    }
    (2, 0)
}

fn find_entry(model: &Model, name: &str) -> Option<EntryPoint> {
    for c in &model.containers {
        if let Some(s) = c.singletons.iter().find(|s| s.name == name) {
            return Some(EntryPoint {
                name: s.name.clone(),
                ty: s.ty,
                collection: false,
                restrictions: singleton_restrictions(s.restrictions),
            });
        }
        if let Some(s) = c.entity_sets.iter().find(|s| s.name == name) {
            return Some(EntryPoint {
                name: s.name.clone(),
                ty: s.entity_type,
                collection: true,
                restrictions: s.restrictions,
            });
        }
    }
    None
}

/// Puts each bound operation on the builder of its binding type (when that
/// builder takes operations) and selects the types of its parameters and
/// return value.
fn attach_operations(
    model: &Model,
    builders: &mut BTreeMap<TypeId, BuilderSpec>,
    closure: &mut Closure<'_>,
) {
    for op in &model.operations {
        let Some(TypeUse {
            collection,
            target: TypeTarget::Named(binding),
        }) = op.binding
        else {
            continue;
        };
        let Some(spec) = builders.get_mut(&binding) else {
            continue;
        };
        if !spec.with_operations {
            continue;
        }
        if collection {
            if !spec.collection {
                continue;
            }
            spec.collection_operations.push(op.id);
        } else {
            spec.item_operations.push(op.id);
        }
        for p in &op.parameters {
            closure.use_type_use(p.ty);
        }
        if let Some(r) = &op.return_type {
            closure.use_type_use(r.ty);
        }
    }
}

struct Closure<'m> {
    model: &'m Model,
    selected: BTreeSet<TypeId>,
    used: BTreeSet<TypeId>,
    queue: Vec<TypeId>,
}

impl<'m> Closure<'m> {
    fn new(model: &'m Model) -> Self {
        Closure {
            model,
            selected: BTreeSet::new(),
            used: BTreeSet::new(),
            queue: Vec::new(),
        }
    }

    fn use_type_use(&mut self, ty: TypeUse) {
        if let TypeTarget::Named(id) = ty.target {
            self.use_type(id);
        }
    }

    /// A type that is used directly: it, its descendants and bases are selected.
    fn use_type(&mut self, id: TypeId) {
        if !self.used.insert(id) {
            return;
        }
        self.add(id);
        for d in self.model.descendants(id) {
            self.use_type(d);
        }
    }

    fn add(&mut self, id: TypeId) {
        if self.selected.insert(id) {
            self.queue.push(id);
        }
        self.drain();
    }

    fn drain(&mut self) {
        while let Some(id) = self.queue.pop() {
            let model = self.model;
            if let Some(s) = model.structured(id) {
                if let Some(base) = s.base {
                    if self.selected.insert(base) {
                        self.queue.push(base);
                    }
                }
                let uses: Vec<TypeId> = s
                    .properties
                    .iter()
                    .filter_map(|p| match p.ty.target {
                        TypeTarget::Named(t) => Some(t),
                        TypeTarget::Primitive(_) => None,
                    })
                    .collect();
                for t in uses {
                    self.use_type(t);
                }
            }
        }
    }

    fn finish(self) -> BTreeSet<TypeId> {
        self.selected
    }
}

/// A singleton cannot be created or deleted, only read and updated.
fn singleton_restrictions(r: Restrictions) -> Restrictions {
    Restrictions {
        insertable: false,
        deletable: false,
        ..r
    }
}
