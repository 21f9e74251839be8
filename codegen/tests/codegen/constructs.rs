//! Every CSDL construct the reader covers, read from one fixture and resolved.

use codegen::csdl::{self, Expression, OperationKind, StructuredKind};
use codegen::model::{self, Primitive, TypeKind, TypeTarget, TypeUse};

const FIXTURE: &str = include_str!("../fixtures/constructs.xml");

#[test]
fn the_syntax_tree_keeps_every_attribute_and_position() {
    let doc = csdl::parse("constructs.xml", FIXTURE).unwrap();
    assert_eq!(doc.version, "4.0");
    assert_eq!(doc.schemas.len(), 2);
    let s = &doc.schemas[0];
    assert_eq!(s.namespace, "test.root");
    assert_eq!(s.alias.as_deref(), Some("r"));
    assert_eq!(s.pos.to_string(), "constructs.xml:4:5");

    let td = &s.type_definitions[0];
    assert_eq!(
        (td.name.as_str(), td.underlying_type.as_str()),
        ("label", "Edm.String")
    );
    assert_eq!(td.max_length.as_deref(), Some("40"));

    let color = &s.enum_types[0];
    assert_eq!(color.underlying_type.as_deref(), Some("Edm.Byte"));
    assert!(!color.is_flags);
    let members: Vec<_> = color
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.value))
        .collect();
    assert_eq!(
        members,
        [("red", Some(1)), ("green", None), ("blue", Some(4))]
    );
    assert_eq!(
        color.members[2].annotations[0].term,
        "Org.OData.Core.V1.Description"
    );
    assert!(s.enum_types[1].is_flags);

    let item = &s.entity_types[0];
    assert_eq!(item.kind, StructuredKind::Entity);
    assert!(item.is_abstract && item.open_type && !item.has_stream);
    assert_eq!(item.key, ["id"]);
    assert_eq!(item.properties[0].nullable, Some(false));
    let price = &item.properties[1];
    assert_eq!(price.precision.as_deref(), Some("10"));
    assert_eq!(price.scale.as_deref(), Some("Variable"));
    assert_eq!(price.default_value.as_deref(), Some("0"));
    assert_eq!(price.nullable, None);
    assert_eq!(
        item.annotations[0].value,
        Expression::String("Anything with an id.".into())
    );

    let folder = &s.entity_types[1];
    assert_eq!(folder.base_type.as_deref(), Some("r.item"));
    assert!(folder.has_stream);
    let parent = &folder.navigation_properties[1];
    assert_eq!(parent.partner.as_deref(), Some("children"));
    assert_eq!(parent.nullable, Some(false));
    assert!(folder.navigation_properties[0].contains_target);
    assert_eq!(parent.pos.to_string(), "constructs.xml:31:9");

    let kinds: Vec<_> = s
        .operations
        .iter()
        .map(|o| (o.kind, o.name.as_str(), o.is_bound, o.parameters.len()))
        .collect();
    assert_eq!(
        kinds,
        [
            (OperationKind::Action, "archive", true, 2),
            (OperationKind::Function, "count", true, 1),
            (OperationKind::Function, "count", true, 2),
            (OperationKind::Action, "reset", false, 0),
            (OperationKind::Function, "now", false, 0),
        ]
    );
    assert!(s.operations[1].is_composable);
    assert_eq!(
        s.operations[1].return_type.as_ref().unwrap().nullable,
        Some(false)
    );

    let term = &s.terms[0];
    assert_eq!(
        (
            term.name.as_str(),
            term.applies_to.as_deref(),
            term.default_value.as_deref()
        ),
        ("hidden", Some("Property"), Some("true"))
    );

    let c = &s.entity_containers[0];
    assert_eq!(c.entity_sets[0].bindings[0].path, "parent");
    assert_eq!(c.entity_sets[0].bindings[0].target, "folders");
    assert_eq!(c.singletons[0].type_name, "r.folder");
    assert_eq!(c.action_imports[0].operation, "r.reset");
    assert_eq!(c.function_imports[0].operation, "test.root.now");

    let block = &s.annotation_blocks[0];
    assert_eq!(block.target, "r.folder/children");
    match &block.annotations[0].value {
        Expression::Record(r) => {
            assert_eq!(r.properties[0].property, "Insertable");
            assert_eq!(r.properties[0].value, Expression::Bool(false));
            assert_eq!(
                r.properties[1].value,
                Expression::Collection(vec![Expression::Path {
                    kind: "NavigationPropertyPath".into(),
                    path: "parent".into()
                }])
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        block.annotations[1].value,
        Expression::String("Children & more.".into())
    );
}

#[test]
fn the_model_resolves_names_inheritance_containment_and_operations() {
    let (m, warnings) = model::load(&[("constructs.xml", FIXTURE)]).unwrap();
    assert!(warnings.is_empty());
    let item = m.find("test.root.item").unwrap();
    let folder = m.find("test.root.folder").unwrap();
    let color = m.find("test.root.color").unwrap();
    let label = m.find("test.root.label").unwrap();
    let nested = m.find("test.root.nested.item").unwrap();

    // Base chain, derived index, inherited properties base-most first.
    assert_eq!(m.base_chain(folder), [item, folder]);
    assert_eq!(m.structured(item).unwrap().derived, [folder]);
    let props: Vec<_> = m
        .all_properties(folder)
        .iter()
        .map(|(owner, p)| (*owner, p.name.as_str()))
        .collect();
    assert_eq!(
        props,
        [
            (item, "id"),
            (item, "price"),
            (folder, "colors"),
            (folder, "name")
        ]
    );

    // Aliased and qualified names, collections, primitives.
    let f = m.structured(folder).unwrap();
    assert_eq!(
        f.properties[0].ty,
        TypeUse {
            collection: true,
            target: TypeTarget::Named(color)
        }
    );
    assert_eq!(f.properties[1].ty.target, TypeTarget::Named(label));
    assert!(f.properties[1].computed);
    assert_eq!(
        m.structured(item).unwrap().properties[1].ty.target,
        TypeTarget::Primitive(Primitive::Decimal)
    );
    match &m.ty(label).kind {
        TypeKind::Definition(d) => assert_eq!(d.underlying, Primitive::String),
        other => panic!("{other:?}"),
    }
    match &m.ty(color).kind {
        TypeKind::Enum(e) => {
            let values: Vec<_> = e.members.iter().map(|x| x.value).collect();
            assert_eq!(values, [1, 2, 4]);
            assert_eq!(e.underlying, Primitive::Byte);
            assert_eq!(
                e.members[2].docs.description.as_deref(),
                Some("The blue one.")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(m.ty(color).docs.description.as_deref(), Some("A color."));

    // Navigation: containment, partner, restrictions and docs from a block.
    let children = &f.navigations[0];
    assert!(children.contains_target && children.collection);
    assert_eq!(children.target, item);
    assert!(!children.restrictions.insertable);
    assert!(children.restrictions.deletable);
    assert_eq!(
        children.docs.long_description.as_deref(),
        Some("Children & more.")
    );
    assert_eq!(f.navigations[1].partner.as_deref(), Some("children"));

    // Operations by binding type, overloads kept apart.
    let on_folder: Vec<_> = m
        .operations_bound_to(folder, false)
        .into_iter()
        .map(|id| m.operation(id).name.clone())
        .collect();
    assert_eq!(on_folder, ["archive", "count"]);
    let on_items = m.operations_bound_to(item, true);
    assert_eq!(on_items.len(), 1);
    let count = m.operation(on_items[0]);
    assert_eq!(
        count.return_type.as_ref().unwrap().ty,
        TypeUse {
            collection: false,
            target: TypeTarget::Primitive(Primitive::Int64)
        }
    );

    // The container: sets, singletons, imports bound to their operations.
    let c = &m.containers[0];
    assert_eq!(c.entity_sets[0].entity_type, folder);
    assert!(!c.entity_sets[0].restrictions.deletable);
    assert_eq!(c.singletons[0].ty, folder);
    assert_eq!(m.operation(c.action_imports[0].operations[0]).name, "reset");
    assert_eq!(m.operation(c.function_imports[0].operations[0]).name, "now");

    // A type of the same name in another namespace, referring to itself.
    assert_ne!(nested, item);
    let n = m.structured(nested).unwrap();
    assert_eq!(n.properties[1].ty.target, TypeTarget::Named(nested));
}
