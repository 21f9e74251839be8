//! Model items: structs, polymorphic enums, enumerations and newtypes.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::model::{Model, Primitive, TypeId, TypeKind, TypeTarget, TypeUse};

use super::plan::{is_polymorphic, FieldPlan, Plan, StructPlan, TypeNames};
use super::{docs, ident};

/// All items of one selected type.
pub fn type_items(model: &Model, plan: &Plan, id: TypeId) -> TokenStream {
    let t = model.ty(id);
    let names = plan.names(id);
    match &t.kind {
        TypeKind::Structured(s) => {
            let mut out = struct_item(model, plan, id);
            if is_polymorphic(model, id) {
                out.extend(polymorphic_enum(model, plan, id, s.is_abstract));
            }
            out
        }
        TypeKind::Enum(e) => enumeration(model, id, names, e),
        TypeKind::Definition(d) => newtype(model, id, names, d.underlying),
    }
}

/// The Rust type of a type use, without the optional/nullable wrapper.
pub fn rust_type(model: &Model, plan: &Plan, ty: TypeUse, boxed: bool) -> TokenStream {
    let inner = match ty.target {
        TypeTarget::Primitive(p) => primitive(p),
        TypeTarget::Named(id) => named_type(model, plan, id),
    };
    let inner = if boxed {
        quote!(::std::boxed::Box<#inner>)
    } else {
        inner
    };
    if ty.collection {
        quote!(::std::vec::Vec<#inner>)
    } else {
        inner
    }
}

/// The path of the type a property of type `id` uses: the polymorphic enum
/// where there is one, else the struct, enumeration or newtype.
pub fn named_type(model: &Model, plan: &Plan, id: TypeId) -> TokenStream {
    let names = plan.names(id);
    let name = if model.structured(id).is_some() && !is_polymorphic(model, id) {
        names.struct_name.as_deref()
    } else {
        names.enum_name.as_deref()
    };
    let name = ident(name.unwrap_or("Unnamed"));
    let module = names.module.iter().map(|m| ident(m));
    quote!(crate::models #(::#module)* :: #name)
}

fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::String => quote!(::std::string::String),
        Primitive::Boolean => quote!(bool),
        Primitive::Byte => quote!(u8),
        Primitive::SByte => quote!(i8),
        Primitive::Int16 => quote!(i16),
        Primitive::Int32 => quote!(i32),
        Primitive::Int64 => quote!(i64),
        Primitive::Single => quote!(f32),
        Primitive::Double => quote!(f64),
        Primitive::Decimal => quote!(::graph_intune::edm::Decimal),
        Primitive::Guid => quote!(::graph_intune::edm::Guid),
        Primitive::DateTimeOffset => quote!(::graph_intune::edm::DateTimeOffset),
        Primitive::Date => quote!(::graph_intune::edm::Date),
        Primitive::TimeOfDay => quote!(::graph_intune::edm::TimeOfDay),
        Primitive::Duration => quote!(::graph_intune::edm::Duration),
        Primitive::Binary => quote!(::graph_intune::edm::Binary),
        Primitive::Stream | Primitive::Untyped => quote!(::serde_json::Value),
    }
}

/// The field type: `Nullable<T>` for nullable properties, else `Option<T>`.
fn field_type(model: &Model, plan: &Plan, f: &FieldPlan) -> TokenStream {
    let inner = rust_type(model, plan, f.ty, f.boxed);
    if f.nullable {
        quote!(::graph_intune::Nullable<#inner>)
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

fn field(model: &Model, plan: &Plan, f: &FieldPlan) -> TokenStream {
    let name = ident(&f.rust);
    let wire = &f.wire;
    let ty = field_type(model, plan, f);
    let fallback = if f.navigation {
        format!(" Navigation property `{wire}` (present when expanded).")
    } else {
        format!(" Property `{wire}`.")
    };
    let mut doc = docs(&f.docs, fallback.trim());
    let null_note = if f.nullable {
        " Nullable: set [`Nullable::Null`](::graph_intune::Nullable::Null) to clear it."
    } else {
        " Not nullable."
    };
    doc.extend(quote!(#[doc = ""] #[doc = #null_note]));
    quote! {
        #doc
        pub #name: #ty,
    }
}

/// Whether a field has the lenient wire form (numbers that may come as
/// strings, `NaN`, `INF`).
fn is_lenient(f: &FieldPlan) -> bool {
    matches!(
        f.ty.target,
        TypeTarget::Primitive(Primitive::Int64 | Primitive::Single | Primitive::Double)
    )
}

/// `Serialize` and `Deserialize` of a generated struct, through
/// `graph_intune::runtime::Object`: one `match` arm per member to read, one
/// call per member to write, unknown members kept in `additional_data`.
fn struct_serde(name: &Ident, wire_type: &str, sp: &StructPlan) -> TokenStream {
    let odata_type = ident(&sp.odata_type);
    let additional = ident(&sp.additional_data);
    let read = sp.fields.iter().map(|f| {
        let field = ident(&f.rust);
        let wire = &f.wire;
        if is_lenient(f) {
            quote!(#wire => self.#field = map.next_value::<::graph_intune::edm::lenient::Wire<_>>()?.0,)
        } else {
            quote!(#wire => self.#field = map.next_value()?,)
        }
    });
    let write = sp.fields.iter().map(|f| {
        let field = ident(&f.rust);
        let wire = &f.wire;
        if is_lenient(f) {
            quote!(::graph_intune::runtime::write_lenient_member(&mut map, #wire, &self.#field)?;)
        } else {
            quote!(::graph_intune::runtime::write_member(&mut map, #wire, &self.#field)?;)
        }
    });
    quote! {
        impl ::graph_intune::runtime::Object for #name {
            const WIRE_TYPE: &'static str = #wire_type;
            fn read_member<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> ::std::result::Result<bool, A::Error> {
                match key {
                    "@odata.type" => self.#odata_type = map.next_value()?,
                    #(#read)*
                    _ => return ::std::result::Result::Ok(false),
                }
                ::std::result::Result::Ok(true)
            }
            fn additional_data_mut(&mut self) -> &mut ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                &mut self.#additional
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::graph_intune::runtime::deserialize_object(deserializer)
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                ::graph_intune::runtime::write_member(&mut map, "@odata.type", &self.#odata_type)?;
                #(#write)*
                ::graph_intune::runtime::write_additional(&mut map, &self.#additional)?;
                map.end()
            }
        }
    }
}

fn struct_item(model: &Model, plan: &Plan, id: TypeId) -> TokenStream {
    let t = model.ty(id);
    let names = plan.names(id);
    let Some(sp) = plan.struct_plan(id) else {
        return TokenStream::new();
    };
    let name = ident(names.struct_name.as_deref().unwrap_or("Unnamed"));
    let qualified = t.qualified_name();
    let mut doc = docs(&t.docs, &format!("`{qualified}`."));
    let s = t.as_structured();
    let role = match s {
        Some(s) if s.is_abstract => format!(
            " The properties of the abstract type `{qualified}`: the payload of the `Unknown` variant of its enum, for derived types this build does not know."
        ),
        Some(_) if is_polymorphic(model, id) => format!(
            " The concrete type `{qualified}`; a property declared with this type uses [`{}`], which also covers its derived types.",
            names.enum_name.as_deref().unwrap_or_default()
        ),
        _ => format!(" Wire type: `{qualified}`."),
    };
    doc.extend(quote!(#[doc = ""] #[doc = #role]));
    let fields = sp.fields.iter().map(|f| field(model, plan, f));
    let odata_type = ident(&sp.odata_type);
    let additional = ident(&sp.additional_data);
    let serde = struct_serde(&name, &qualified, sp);
    let setters = struct_setters(model, plan, &name, sp);
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::default::Default)]
        #[non_exhaustive]
        pub struct #name {
            /// The `@odata.type` this value was read with, written back unchanged.
            pub #odata_type: ::std::option::Option<::std::string::String>,
            #(#fields)*
            /// Properties this build does not know (open types, newer service
            /// versions), written back unchanged.
            pub #additional: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
        #serde
        #setters
    }
}

/// One builder method per field, so that a value is one expression naming
/// each property once: `T::default().with_a(1).with_b("x")`. Each takes a
/// plain value (`impl Into<…>`) and wraps it in `Some`/`Nullable::Value`,
/// boxes it or collects it. Generic, so the crate compiles no code for
/// them until a caller uses one.
fn struct_setters(model: &Model, plan: &Plan, name: &Ident, sp: &StructPlan) -> TokenStream {
    if sp.fields.is_empty() {
        return TokenStream::new();
    }
    let methods = sp.fields.iter().zip(&sp.setters).map(|(f, setter)| {
        let setter = ident(setter);
        let field = ident(&f.rust);
        let element = rust_type(
            model,
            plan,
            TypeUse {
                collection: false,
                target: f.ty.target,
            },
            false,
        );
        let (param, value) = if f.ty.collection {
            (
                quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#element>>),
                quote!(::graph_intune::runtime::collect_into(value)),
            )
        } else if f.boxed {
            (
                quote!(impl ::std::convert::Into<#element>),
                quote!(::std::boxed::Box::new(value.into())),
            )
        } else {
            (
                quote!(impl ::std::convert::Into<#element>),
                quote!(value.into()),
            )
        };
        let wrapped = if f.nullable {
            quote!(::graph_intune::Nullable::Value(#value))
        } else {
            quote!(::std::option::Option::Some(#value))
        };
        let doc = format!(" Sets `{}`.", f.wire);
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: #param) -> Self {
                self.#field = #wrapped;
                self
            }
        }
    });
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

fn polymorphic_enum(model: &Model, plan: &Plan, id: TypeId, is_abstract: bool) -> TokenStream {
    let t = model.ty(id);
    let names = plan.names(id);
    let Some(sp) = plan.struct_plan(id) else {
        return TokenStream::new();
    };
    let name = ident(names.enum_name.as_deref().unwrap_or("Unnamed"));
    let base_struct = ident(names.struct_name.as_deref().unwrap_or("Unnamed"));
    let qualified = t.qualified_name();
    let catch_all = ident(&names.catch_all);
    let mut doc = docs(&t.docs, &format!("`{qualified}`."));
    let role = format!(
        " Any value of `{qualified}`: one variant per concrete type, chosen by `@odata.type` when reading, and `{}` for a type this build does not know (kept whole).",
        names.catch_all
    );
    doc.extend(quote!(#[doc = ""] #[doc = #role]));

    let variant_defs = names.variants.iter().map(|(vid, v)| {
        let v = ident(v);
        let ty = named_struct(plan, *vid);
        let wire = model.ty(*vid).qualified_name();
        let d = format!(" `{wire}`.");
        quote!(#[doc = #d] #v(#ty),)
    });
    let unknown_doc = format!(
        " A type derived from `{qualified}` that this build does not know: its `@odata.type` and all its properties are kept."
    );
    let variant_names: Vec<_> = names.variants.iter().map(|(_, v)| ident(v)).collect();
    let odata_type_field = ident(&sp.odata_type);
    let additional = ident(&sp.additional_data);

    let ser_arms = names.variants.iter().map(|(vid, v)| {
        let v = ident(v);
        if *vid == id {
            // The declared type itself needs no `@odata.type`: the service
            // infers it, and a value read without one is written back as read.
            return quote! {
                Self::#v(value) => ::serde::Serialize::serialize(value, serializer),
            };
        }
        let tag = format!("#{}", model.ty(*vid).qualified_name());
        quote! {
            Self::#v(value) => ::graph_intune::runtime::serialize_variant(value, value.#odata_type_field.is_some(), #tag, serializer),
        }
    });
    let de_arms = names.variants.iter().map(|(vid, v)| {
        let v = ident(v);
        let tag = model.ty(*vid).qualified_name();
        let ty = named_struct(plan, *vid);
        quote! {
            ::std::option::Option::Some(#tag) => ::graph_intune::runtime::read_variant::<#ty, _, _>(deserializer, Self::#v),
        }
    });
    let base_ty = named_struct(plan, id);
    let untyped_variant = if is_abstract {
        catch_all.clone()
    } else {
        names
            .variants
            .iter()
            .find(|(vid, _)| *vid == id)
            .map(|(_, v)| ident(v))
            .unwrap_or_else(|| catch_all.clone())
    };
    // The declared type's own struct (the `…Base` one for an abstract type).
    let untyped = quote! {
        ::std::option::Option::None => ::graph_intune::runtime::read_variant::<#base_ty, _, _>(deserializer, Self::#untyped_variant),
    };
    let accessors = sp.fields.iter().zip(&names.accessors).map(|(f, method)| {
        let method = ident(method);
        let field_name = ident(&f.rust);
        let ty = field_type(model, plan, f);
        let d = format!(" `{}`, whatever the variant.", f.wire);
        quote! {
            #[doc = #d]
            pub fn #method(&self) -> &#ty {
                match self {
                    #(Self::#variant_names(value) => &value.#field_name,)*
                    Self::#catch_all(value) => &value.#field_name,
                }
            }
        }
    });
    // A value of a concrete type converts into the enum (its own variant),
    // so builders and parameters take the struct directly.
    let froms = names.variants.iter().map(|(vid, v)| {
        let v = ident(v);
        let ty = named_struct(plan, *vid);
        quote! {
            impl ::std::convert::From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#v(value)
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            #[doc = #unknown_doc]
            #catch_all(#base_struct),
        }

        impl #name {
            /// The `@odata.type` the value was read with, if any.
            pub fn odata_type(&self) -> ::std::option::Option<&str> {
                match self {
                    #(Self::#variant_names(value) => value.#odata_type_field.as_deref(),)*
                    Self::#catch_all(value) => value.#odata_type_field.as_deref(),
                }
            }

            /// Properties this build does not know, whatever the variant.
            pub fn additional_data(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
                match self {
                    #(Self::#variant_names(value) => &value.#additional,)*
                    Self::#catch_all(value) => &value.#additional,
                }
            }

            #(#accessors)*
        }

        #(#froms)*

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#ser_arms)*
                    Self::#catch_all(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl ::graph_intune::runtime::Polymorphic for #name {
            fn from_tagged<'de, D: ::serde::Deserializer<'de>>(type_name: ::std::option::Option<&str>, deserializer: D) -> ::std::result::Result<Self, D::Error> {
                match type_name {
                    #(#de_arms)*
                    #untyped
                    ::std::option::Option::Some(_) => ::graph_intune::runtime::read_variant::<#base_ty, _, _>(deserializer, Self::#catch_all),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::graph_intune::runtime::deserialize_polymorphic(deserializer)
            }
        }
    }
}

fn named_struct(plan: &Plan, id: TypeId) -> TokenStream {
    let names = plan.names(id);
    let name = ident(names.struct_name.as_deref().unwrap_or("Unnamed"));
    let module = names.module.iter().map(|m| ident(m));
    quote!(crate::models #(::#module)* :: #name)
}

fn enumeration(
    model: &Model,
    id: TypeId,
    names: &TypeNames,
    e: &crate::model::Enum,
) -> TokenStream {
    let t = model.ty(id);
    let set_name = names.enum_name.as_deref().unwrap_or("Unnamed");
    let name = ident(names.flag_member.as_deref().unwrap_or(set_name));
    let qualified = t.qualified_name();
    let catch_all = ident(&names.catch_all);
    let mut doc = docs(&t.docs, &format!("`{qualified}`."));
    let role = if e.is_flags {
        format!(
            " One member of the flags enum `{qualified}` (a value is a [`{set_name}`], a set of members). Members the service adds later are kept in `{}`.",
            names.catch_all
        )
    } else {
        format!(
            " Wire type: `{qualified}`. Members the service adds later are kept in `{}`.",
            names.catch_all
        )
    };
    doc.extend(quote!(#[doc = ""] #[doc = #role]));
    let flags_alias = if e.is_flags {
        let alias = ident(set_name);
        let alias_doc = docs(&t.docs, &format!("`{qualified}`."));
        let role = format!(
            " The flags enum `{qualified}`: the set members, sent as one string joined by `,`."
        );
        quote! {
            #alias_doc
            #[doc = ""]
            #[doc = #role]
            pub type #alias = ::graph_intune::Flags<#name>;
        }
    } else {
        TokenStream::new()
    };
    let variants: Vec<_> = names.members.iter().map(|m| ident(m)).collect();
    let wires: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
    let variant_docs = e.members.iter().map(|m| {
        let d = m
            .docs
            .description
            .clone()
            .unwrap_or_else(|| format!("`{}`.", m.name));
        format!(" {d}")
    });
    let catch_all_doc = " A member this build does not know, kept as sent.";
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            #[doc = #catch_all_doc]
            #catch_all(::std::string::String),
        }

        impl #name {
            /// The member's name on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::#catch_all(other) => other.as_str(),
                }
            }
        }

        impl ::graph_intune::EnumMember for #name {
            fn as_str(&self) -> &str {
                #name::as_str(self)
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#wires => Self::#variants,)*
                    _ => Self::#catch_all(value),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::from(::std::string::String::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }

        #flags_alias
    }
}

fn newtype(model: &Model, id: TypeId, names: &TypeNames, underlying: Primitive) -> TokenStream {
    let t = model.ty(id);
    let name = ident(names.enum_name.as_deref().unwrap_or("Unnamed"));
    let qualified = t.qualified_name();
    let doc = docs(&t.docs, &format!("`{qualified}` (a type definition)."));
    let inner = primitive(underlying);
    quote! {
        #doc
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(pub #inner);
    }
}
