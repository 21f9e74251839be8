//! What to emit: a dependency closure over the model from the configured roots
//! and request-builder paths, or everything.
//!
//! Types are closed over base types, derived types and the types of
//! properties, navigation properties and operation parameters. Derived types
//! are followed only from types that are *used* (roots, property and parameter
//! types, builder types), not from types reached only as a base type: taking
//! `microsoft.graph.entity` as a base must not pull in every entity type.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::{Entry, Features};
use crate::emit::names::feature_name;
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
    /// Which areas (cargo features) need each selected item, when the
    /// selection is split into areas.
    pub areas: Option<AreaMap>,
}

/// An area of the selection: a cargo feature and the paths it selects,
/// each with everything contained below it.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// The cargo feature's name.
    pub feature: String,
    /// The paths, each ending in [`SUBTREE`].
    pub paths: Vec<String>,
    /// Where each path comes from, index for index.
    pub entries: Vec<Entry>,
}

/// Indexes into [`AreaMap::areas`]: the areas that need an item.
pub type AreaSet = BTreeSet<usize>;

/// Which areas need each item of a selection. An item that is not a key is
/// needed in every build (the config's own `roots` and `paths` reach it).
#[derive(Debug, Clone, Default)]
pub struct AreaMap {
    /// The areas, in feature-name order.
    pub areas: Vec<Area>,
    /// The features a plain dependency enables.
    pub default: Vec<String>,
    /// Selected types (models).
    pub types: BTreeMap<TypeId, AreaSet>,
    /// Item builders, by entity type.
    pub builders: BTreeMap<TypeId, AreaSet>,
    /// Collection builders, by entity type.
    pub collections: BTreeMap<TypeId, AreaSet>,
    /// Navigation methods: the builder's entity type and the navigation property.
    pub navigations: BTreeMap<(TypeId, String), AreaSet>,
    /// Bound operations: the builder's entity type, whether on its
    /// collection builder, and the operation.
    pub operations: BTreeMap<(TypeId, bool, OperationId), AreaSet>,
    /// Client entry points, by entity set or singleton name.
    pub entry_points: BTreeMap<String, AreaSet>,
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
            areas: None,
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
            areas: None,
        },
        Vec::new(),
    )
}

/// Marks every containment navigation below `top`, recursively: the
/// subtree a trailing `/**` selects. Each type is expanded once, so
/// recursive containment (folders in folders) ends.
///
/// A contained navigation to the type of an entity set (the beta schema has
/// `managedDevice/users` contained) is offered, but not expanded and without
/// the target's operations: that entity's own subtree belongs to its entity
/// set (`users/**`), not to every path that reaches it.
fn select_contained(model: &Model, builders: &mut BTreeMap<TypeId, BuilderSpec>, top: TypeId) {
    let set_types: BTreeSet<TypeId> = model
        .containers
        .iter()
        .flat_map(|c| c.entity_sets.iter().map(|s| s.entity_type))
        .collect();
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
            if set_types.contains(&nav.target) {
                continue;
            }
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

/// The areas of a `[features]` table: its groups, and one area per
/// navigation property of each `navigations-of` entry that no group takes.
/// Fails naming each entry that does not exist, each feature name used
/// twice and each default that is not an area.
pub fn areas(model: &Model, features: &Features) -> Result<Vec<Area>, Vec<Problem>> {
    let (areas, problems) = collect_areas(model, features);
    if problems.is_empty() {
        Ok(areas)
    } else {
        Err(problems)
    }
}

/// `paths` and the paths of every area of `features` in any of `models`
/// (a schema can have navigation properties another lacks), each once: what
/// a config selects, for comparing schemas. Entries that name nothing are
/// left out here; selecting reports them.
pub fn config_paths(
    models: &[&Model],
    paths: &[String],
    features: Option<&Features>,
) -> Vec<String> {
    let mut out = paths.to_vec();
    for model in models {
        let Some(features) = features else { break };
        for area in collect_areas(model, features).0 {
            for path in area.paths {
                if !out.contains(&path) {
                    out.push(path);
                }
            }
        }
    }
    out
}

/// The areas of `features` that exist in `model`, and a problem for each
/// entry that names nothing or clashes.
fn collect_areas(model: &Model, features: &Features) -> (Vec<Area>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut areas: Vec<Area> = Vec::new();
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    for (g, (name, paths)) in features.groups.iter().enumerate() {
        let (paths, entries) = paths
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let bare = p.strip_suffix(SUBTREE).unwrap_or(p);
                taken.insert(bare);
                (format!("{bare}{SUBTREE}"), Entry::GroupPath(g, i))
            })
            .unzip();
        areas.push(Area {
            feature: name.clone(),
            paths,
            entries,
        });
    }
    for start in &features.navigations_of {
        let Some(entry) = find_entry(model, start) else {
            problems.push(Problem {
                entry: Entry::Features,
                message: format!(
                    "`navigations-of`: `{start}` is not an entity set or singleton of the schema"
                ),
            });
            continue;
        };
        for (_, nav) in model.all_navigations(entry.ty) {
            let path = format!("{start}/{}", nav.name);
            if !taken.contains(path.as_str()) {
                areas.push(Area {
                    feature: feature_name(&nav.name),
                    paths: vec![format!("{path}{SUBTREE}")],
                    entries: vec![Entry::Features],
                });
            }
        }
    }
    areas.sort_by(|a, b| a.feature.cmp(&b.feature));
    check_area_names(&areas, features, &mut problems);
    (areas, problems)
}

/// The feature name generated for every area together.
pub const FULL: &str = "full";

/// Feature names are unique, not [`FULL`] or `default`, of the characters
/// cargo allows; defaults are areas.
fn check_area_names(areas: &[Area], features: &Features, problems: &mut Vec<Problem>) {
    for pair in areas.windows(2) {
        if pair[0].feature == pair[1].feature {
            problems.push(Problem {
                entry: pair[1].entries.first().copied().unwrap_or(Entry::Features),
                message: format!(
                    "two areas are named `{}` (a group and a navigation property, or two navigation properties): rename the group or put them in one",
                    pair[0].feature
                ),
            });
        }
    }
    for area in areas {
        let valid = area
            .feature
            .starts_with(|c: char| c.is_ascii_alphanumeric())
            && area
                .feature
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid || area.feature == FULL || area.feature == "default" {
            problems.push(Problem {
                entry: area.entries.first().copied().unwrap_or(Entry::Features),
                message: format!(
                    "`{}` cannot be a feature name: `{FULL}` and `default` are taken, and a name is ASCII letters, digits, `-` and `_`",
                    area.feature
                ),
            });
        }
    }
    for default in &features.default {
        if !areas.iter().any(|a| &a.feature == default) {
            problems.push(Problem {
                entry: Entry::Features,
                message: format!("default feature `{default}` is not an area"),
            });
        }
    }
}

/// Like [`select`] over `roots`, `paths` and every area's paths, with the
/// [`AreaMap`] that says which areas need each item: each area is selected
/// on its own, and so are `roots` and `paths` (needed in every build).
pub fn select_areas(
    model: &Model,
    roots: &[String],
    paths: &[String],
    areas: Vec<Area>,
    default: Vec<String>,
) -> Result<(Selection, Vec<Warning>), Vec<Problem>> {
    let mut all_paths = paths.to_vec();
    for area in &areas {
        all_paths.extend(area.paths.iter().cloned());
    }
    let (mut selection, mut problems) = select_from(model, roots, &all_paths);
    // Area paths are reported below, with their own entries.
    problems.retain(|p| match p.entry {
        Entry::Path(i) => i < paths.len(),
        _ => true,
    });
    let (core, _) = select_from(model, roots, paths);
    let mut map = AreaMap {
        default,
        ..AreaMap::default()
    };
    for (index, area) in areas.iter().enumerate() {
        let (own, own_problems) = select_from(model, &[], &area.paths);
        problems.extend(own_problems.into_iter().map(|p| Problem {
            entry: match p.entry {
                Entry::Path(i) => area.entries.get(i).copied().unwrap_or(Entry::Features),
                other => other,
            },
            message: p.message,
        }));
        map.record(index, &own, &core);
    }
    map.areas = areas;
    if !problems.is_empty() {
        return Err(problems);
    }
    selection.areas = Some(map);
    Ok((selection, Vec::new()))
}

impl AreaMap {
    /// Records what area `index` selects (`own`), apart from what every
    /// build has (`core`).
    fn record(&mut self, index: usize, own: &Selection, core: &Selection) {
        for id in &own.types {
            needs(&mut self.types, *id, core.types.contains(id), index);
        }
        for e in &own.entry_points {
            let always = core.entry_points.iter().any(|c| c.name == e.name);
            needs(&mut self.entry_points, e.name.clone(), always, index);
        }
        for (id, spec) in &own.builders {
            let base = core.builders.get(id);
            needs(&mut self.builders, *id, base.is_some(), index);
            if spec.collection {
                let always = base.is_some_and(|b| b.collection);
                needs(&mut self.collections, *id, always, index);
            }
            for nav in &spec.navigations {
                let always = base.is_some_and(|b| b.navigations.contains(nav));
                needs(&mut self.navigations, (*id, nav.clone()), always, index);
            }
            for op in &spec.item_operations {
                let always = base.is_some_and(|b| b.item_operations.contains(op));
                needs(&mut self.operations, (*id, false, *op), always, index);
            }
            for op in &spec.collection_operations {
                let always = base.is_some_and(|b| b.collection_operations.contains(op));
                needs(&mut self.operations, (*id, true, *op), always, index);
            }
        }
    }
}

/// Notes that area `index` needs `key`, unless every build has it.
fn needs<K: Ord>(map: &mut BTreeMap<K, AreaSet>, key: K, always: bool, index: usize) {
    if !always {
        map.entry(key).or_default().insert(index);
    }
}
