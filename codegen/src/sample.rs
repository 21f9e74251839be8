//! Sample JSON instances of the model's types, built from the schema: every
//! property set to a value of its type, structured values nested one level.
//!
//! Used to round-trip every generated type (`cargo xtask compile-schemas`).

use serde_json::{json, Map, Value};

use crate::model::{Model, Primitive, TypeId, TypeKind, TypeTarget, TypeUse};

/// A sample instance of structured type `id`, with its `@odata.type`.
/// `None` for types that are not structured.
pub fn instance(model: &Model, id: TypeId) -> Option<Value> {
    structured(model, id, 0)
}

fn structured(model: &Model, id: TypeId, depth: u32) -> Option<Value> {
    model.structured(id)?;
    let mut object = Map::new();
    object.insert(
        "@odata.type".to_owned(),
        Value::String(format!("#{}", model.ty(id).qualified_name())),
    );
    for (_, p) in model.all_properties(id) {
        if let Some(v) = value(model, p.ty, p.nullable, depth) {
            object.insert(p.name.clone(), v);
        }
    }
    if depth == 0 {
        for (_, n) in model.all_navigations(id) {
            let ty = TypeUse {
                collection: n.collection,
                target: TypeTarget::Named(n.target),
            };
            if let Some(v) = value(model, ty, n.nullable, depth) {
                object.insert(n.name.clone(), v);
            }
        }
    }
    Some(Value::Object(object))
}

/// A value of `ty`; `None` leaves the property out.
fn value(model: &Model, ty: TypeUse, nullable: bool, depth: u32) -> Option<Value> {
    let single = match ty.target {
        TypeTarget::Primitive(p) => primitive(p)?,
        TypeTarget::Named(id) => match &model.ty(id).kind {
            TypeKind::Enum(e) => Value::String(
                e.members
                    .first()
                    .map_or_else(|| "someFutureMember".to_owned(), |m| m.name.clone()),
            ),
            TypeKind::Definition(d) => primitive(d.underlying)?,
            TypeKind::Structured(_) if depth == 0 => structured(model, id, depth + 1)?,
            TypeKind::Structured(_) if nullable && !ty.collection => Value::Null,
            TypeKind::Structured(_) => return None,
        },
    };
    Some(if ty.collection {
        Value::Array(vec![single])
    } else {
        single
    })
}

/// A value of a primitive type that the generated types write back exactly.
fn primitive(p: Primitive) -> Option<Value> {
    Some(match p {
        Primitive::String => json!("text"),
        Primitive::Boolean => json!(true),
        Primitive::Byte => json!(255),
        Primitive::SByte => json!(-128),
        Primitive::Int16 => json!(-32768),
        Primitive::Int32 => json!(2_147_483_647),
        Primitive::Int64 => json!(9_007_199_254_740_993_i64),
        Primitive::Single => json!(1.5),
        Primitive::Double => json!(-2.25),
        Primitive::Decimal => json!(12.75),
        Primitive::Guid => json!("92dc3fef-3fef-92dc-ef3f-dc92ef3fdc92"),
        Primitive::DateTimeOffset => json!("2024-08-01T10:00:00+02:00"),
        Primitive::Date => json!("2024-08-01"),
        Primitive::TimeOfDay => json!("10:00:00"),
        Primitive::Duration => json!("PT1H30M"),
        Primitive::Binary => json!("aGk="),
        Primitive::Untyped => json!({"any": [1, "x", null]}),
        Primitive::Stream => return None,
    })
}
