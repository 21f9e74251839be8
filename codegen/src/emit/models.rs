//! Model items: structs, polymorphic enums, enumerations and newtypes.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::model::{Enum, Primitive, Structured, TypeId, TypeKind, TypeTarget, TypeUse};

use super::plan::{FieldPlan, ItemNames, MemberNames, PolymorphicNames, StructPlan};
use super::{docs, ident, Emitter, Result};

impl Emitter<'_> {
    /// All items of one selected type, by the kind its names were planned for.
    pub(crate) fn type_items(&self, id: TypeId) -> Result<TokenStream> {
        let t = self.model.ty(id);
        match (&self.names(id)?.items, &t.kind) {
            (ItemNames::Struct { name }, TypeKind::Structured(_)) => {
                self.struct_item(id, name, StructRole::Plain)
            }
            (ItemNames::Polymorphic(p), TypeKind::Structured(s)) => {
                let role = if s.is_abstract {
                    StructRole::AbstractBase
                } else {
                    StructRole::Concrete(&p.enum_name)
                };
                let mut out = self.struct_item(id, &p.struct_name, role)?;
                out.extend(self.polymorphic_enum(id, s, p)?);
                Ok(out)
            }
            (ItemNames::Enumeration { name, members }, TypeKind::Enum(e)) => {
                self.enumeration(id, e, (name, name), members)
            }
            (
                ItemNames::Flags {
                    set,
                    member,
                    members,
                },
                TypeKind::Enum(e),
            ) => self.enumeration(id, e, (member, set), members),
            (ItemNames::Newtype { name }, TypeKind::Definition(d)) => {
                Ok(self.newtype(id, name, d.underlying))
            }
            _ => Err(self.internal(id, "its names were planned for another kind of type")),
        }
    }

    /// The Rust type of a type use, without the optional/nullable wrapper.
    pub(crate) fn rust_type(&self, ty: TypeUse, boxed: bool) -> Result<TokenStream> {
        let inner = match ty.target {
            TypeTarget::Primitive(p) => primitive(p),
            TypeTarget::Named(id) => self.type_path(id)?,
        };
        let inner = if boxed {
            quote!(::std::boxed::Box<#inner>)
        } else {
            inner
        };
        Ok(if ty.collection {
            quote!(::std::vec::Vec<#inner>)
        } else {
            inner
        })
    }

    /// The path of the type a property of type `id` uses: the polymorphic
    /// enum where there is one, else the struct, enumeration, flags set or
    /// newtype.
    #[track_caller]
    pub(crate) fn type_path(&self, id: TypeId) -> Result<TokenStream> {
        let names = self.names(id)?;
        let name = match &names.items {
            ItemNames::Struct { name }
            | ItemNames::Enumeration { name, .. }
            | ItemNames::Newtype { name } => name,
            ItemNames::Polymorphic(p) => &p.enum_name,
            ItemNames::Flags { set, .. } => set,
        };
        Ok(model_path(&names.module, name))
    }

    /// The path of the struct holding a structured type's properties.
    #[track_caller]
    fn struct_path(&self, id: TypeId) -> Result<TokenStream> {
        let name = self.struct_name(id)?;
        Ok(model_path(&self.names(id)?.module, name))
    }
}

/// `crate::models::<module>::<name>`.
fn model_path(module: &[String], name: &str) -> TokenStream {
    let name = ident(name);
    let module = module.iter().map(|m| ident(m));
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

/// What a struct is for, as its docs say.
#[derive(Clone, Copy)]
enum StructRole<'n> {
    /// The only item of its type.
    Plain,
    /// The properties of an abstract type (`…Base`).
    AbstractBase,
    /// A concrete type with derived types; the enum used for it.
    Concrete(&'n str),
}

impl Emitter<'_> {
    /// The field type: `Nullable<T>` for nullable properties, else `Option<T>`.
    fn field_type(&self, f: &FieldPlan) -> Result<TokenStream> {
        let inner = self.rust_type(f.ty, f.boxed)?;
        Ok(if f.nullable {
            quote!(::graph_intune::Nullable<#inner>)
        } else {
            quote!(::std::option::Option<#inner>)
        })
    }

    /// The `cfg` of a field of `owner`: its own when its type needs an area
    /// the owner does not imply (a navigation property to another area).
    fn field_cfg(&self, owner: TypeId, f: &FieldPlan) -> TokenStream {
        let target = match f.ty.target {
            TypeTarget::Named(t) => Some(t),
            TypeTarget::Primitive(_) => None,
        };
        self.type_member_cfg(owner, target)
    }

    fn field(&self, owner: TypeId, f: &FieldPlan) -> Result<TokenStream> {
        let name = ident(&f.rust);
        let cfg = self.field_cfg(owner, f);
        let wire = &f.wire;
        let ty = self.field_type(f)?;
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
        Ok(quote! {
            #doc
            #cfg
            pub #name: #ty,
        })
    }

    fn struct_item(&self, id: TypeId, name: &str, role: StructRole<'_>) -> Result<TokenStream> {
        let t = self.model.ty(id);
        let sp = self.struct_plan(id)?;
        let name = ident(name);
        let qualified = t.qualified_name();
        let mut doc = docs(&t.docs, &format!("`{qualified}`."));
        let role = match role {
            StructRole::AbstractBase => format!(
                " The properties of the abstract type `{qualified}`: the payload of the `Unknown` variant of its enum, for derived types this build does not know."
            ),
            StructRole::Concrete(enum_name) => format!(
                " The concrete type `{qualified}`; a property declared with this type uses [`{enum_name}`], which also covers its derived types."
            ),
            StructRole::Plain => format!(" Wire type: `{qualified}`."),
        };
        doc.extend(quote!(#[doc = ""] #[doc = #role]));
        let fields = sp
            .fields
            .iter()
            .map(|f| self.field(id, f))
            .collect::<Result<Vec<_>>>()?;
        let odata_type = ident(&sp.odata_type);
        let additional = ident(&sp.additional_data);
        let cfgs: Vec<TokenStream> = sp.fields.iter().map(|f| self.field_cfg(id, f)).collect();
        let serde = struct_serde(&name, &qualified, sp, &cfgs);
        let setters = self.struct_setters(&name, sp, &cfgs)?;
        Ok(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Default)]
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
        })
    }

    /// One builder method per field, so that a value is one expression naming
    /// each property once: `T::default().with_a(1).with_b("x")`. Each takes a
    /// plain value (`impl Into<…>`) and wraps it in `Some`/`Nullable::Value`,
    /// boxes it or collects it. Generic, so the crate compiles no code for
    /// them until a caller uses one.
    fn struct_setters(
        &self,
        name: &Ident,
        sp: &StructPlan,
        cfgs: &[TokenStream],
    ) -> Result<TokenStream> {
        if sp.fields.is_empty() {
            return Ok(TokenStream::new());
        }
        let methods = sp
            .fields
            .iter()
            .zip(&sp.setters)
            .zip(cfgs)
            .map(|((f, setter), cfg)| {
                let method = self.setter(f, setter)?;
                Ok(quote!(#cfg #method))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(quote! {
            impl #name {
                #(#methods)*
            }
        })
    }

    fn setter(&self, f: &FieldPlan, setter: &str) -> Result<TokenStream> {
        let setter = ident(setter);
        let field = ident(&f.rust);
        let element = self.rust_type(
            TypeUse {
                collection: false,
                target: f.ty.target,
            },
            false,
        )?;
        let (param, value) = if f.ty.collection {
            (
                quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#element>>),
                quote!(::graph_intune::__private::collect_into(value)),
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
        Ok(quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: #param) -> Self {
                self.#field = #wrapped;
                self
            }
        })
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
/// `graph_intune::__private::Object`: one `match` arm per member to read, one
/// call per member to write (plain calls, no `?` per member: cheaper to
/// check), unknown members kept in `additional_data`; the
/// `Serialize` and `Deserialize` impls are each one call into the runtime.
/// `cfgs` are the fields' own `cfg`s, index for index.
fn struct_serde(
    name: &Ident,
    wire_type: &str,
    sp: &StructPlan,
    cfgs: &[TokenStream],
) -> TokenStream {
    let odata_type = ident(&sp.odata_type);
    let additional = ident(&sp.additional_data);
    let read = sp.fields.iter().zip(cfgs).map(|(f, cfg)| {
        let field = ident(&f.rust);
        let wire = &f.wire;
        let read = if is_lenient(f) {
            quote!(read_lenient_into)
        } else {
            quote!(read_into)
        };
        quote!(#cfg #wire => ::graph_intune::__private::#read(map, &mut self.#field),)
    });
    let write = sp.fields.iter().zip(cfgs).map(|(f, cfg)| {
        let field = ident(&f.rust);
        let wire = &f.wire;
        let write = if is_lenient(f) {
            quote!(lenient)
        } else {
            quote!(member)
        };
        quote!(#cfg members.#write(#wire, &self.#field);)
    });
    quote! {
        impl ::graph_intune::__private::Object for #name {
            const WIRE_TYPE: &'static str = #wire_type;
            fn read_member<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> ::std::result::Result<bool, A::Error> {
                match key {
                    "@odata.type" => ::graph_intune::__private::read_into(map, &mut self.#odata_type),
                    #(#read)*
                    _ => ::std::result::Result::Ok(false),
                }
            }
            fn additional_data_mut(&mut self) -> &mut ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                &mut self.#additional
            }
            fn write_members<M: ::serde::ser::SerializeMap>(&self, members: &mut ::graph_intune::__private::Members<'_, M>) {
                members.member("@odata.type", &self.#odata_type);
                #(#write)*
            }
            fn additional_data(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
                &self.#additional
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::graph_intune::__private::deserialize_object(deserializer)
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                ::graph_intune::__private::serialize_object(self, serializer)
            }
        }
    }
}

/// What every item of one polymorphic enum refers to.
struct PolymorphicEnum<'p> {
    id: TypeId,
    is_abstract: bool,
    /// The enum.
    name: Ident,
    /// The catch-all variant.
    catch_all: Ident,
    /// The enum's variants: (concrete type, variant).
    variants: Vec<(TypeId, Ident)>,
    /// Each variant's own `cfg`, index for index.
    cfgs: Vec<TokenStream>,
    names: &'p PolymorphicNames,
    fields: &'p StructPlan,
}

impl Emitter<'_> {
    fn polymorphic_enum(
        &self,
        id: TypeId,
        s: &Structured,
        names: &PolymorphicNames,
    ) -> Result<TokenStream> {
        let fields = self.struct_plan(id)?;
        if names.accessors.len() != fields.fields.len() {
            return Err(self.internal(id, "the naming plan has not one accessor per field"));
        }
        let e = PolymorphicEnum {
            id,
            is_abstract: s.is_abstract,
            name: ident(&names.enum_name),
            catch_all: ident(&names.catch_all),
            variants: names.variants.iter().map(|(v, n)| (*v, ident(n))).collect(),
            cfgs: names
                .variants
                .iter()
                .map(|(v, _)| self.type_member_cfg(id, Some(*v)))
                .collect(),
            names,
            fields,
        };
        let mut out = self.polymorphic_definition(&e)?;
        out.extend(self.polymorphic_accessors(&e)?);
        out.extend(self.polymorphic_froms(&e)?);
        out.extend(self.polymorphic_serialize(&e));
        out.extend(self.polymorphic_deserialize(&e)?);
        Ok(out)
    }

    /// The enum: one variant per concrete type, and the catch-all.
    fn polymorphic_definition(&self, e: &PolymorphicEnum<'_>) -> Result<TokenStream> {
        let t = self.model.ty(e.id);
        let qualified = t.qualified_name();
        let mut doc = docs(&t.docs, &format!("`{qualified}`."));
        let role = format!(
            " Any value of `{qualified}`: one variant per concrete type, chosen by `@odata.type` when reading, and `{}` for a type this build does not know (kept whole).",
            e.names.catch_all
        );
        doc.extend(quote!(#[doc = ""] #[doc = #role]));
        let variant_defs = e
            .variants
            .iter()
            .zip(&e.cfgs)
            .map(|((vid, v), cfg)| {
                let ty = self.struct_path(*vid)?;
                let d = format!(" `{}`.", self.model.ty(*vid).qualified_name());
                Ok(quote!(#[doc = #d] #cfg #v(#ty),))
            })
            .collect::<Result<Vec<_>>>()?;
        let unknown_doc = format!(
            " A type derived from `{qualified}` that this build does not know: its `@odata.type` and all its properties are kept."
        );
        let base_struct = ident(&e.names.struct_name);
        let (name, catch_all) = (&e.name, &e.catch_all);
        Ok(quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #(#variant_defs)*
                #[doc = #unknown_doc]
                #catch_all(#base_struct),
            }
        })
    }

    /// `odata_type`, `additional_data` and one accessor per field, whatever
    /// the variant.
    fn polymorphic_accessors(&self, e: &PolymorphicEnum<'_>) -> Result<TokenStream> {
        let variant_names: Vec<_> = e.variants.iter().map(|(_, v)| v).collect();
        let cfgs = &e.cfgs;
        let (name, catch_all) = (&e.name, &e.catch_all);
        let accessors = e
            .fields
            .fields
            .iter()
            .zip(&e.names.accessors)
            .map(|(f, method)| {
                let method = ident(method);
                let field_name = ident(&f.rust);
                let ty = self.field_type(f)?;
                let d = format!(" `{}`, whatever the variant.", f.wire);
                let cfg = self.field_cfg(e.id, f);
                Ok(quote! {
                    #[doc = #d]
                    #cfg
                    pub fn #method(&self) -> &#ty {
                        match self {
                            #(#cfgs Self::#variant_names(value) => &value.#field_name,)*
                            Self::#catch_all(value) => &value.#field_name,
                        }
                    }
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let odata_type_field = ident(&e.fields.odata_type);
        let additional = ident(&e.fields.additional_data);
        Ok(quote! {
            impl #name {
                /// The `@odata.type` the value was read with, if any.
                pub fn odata_type(&self) -> ::std::option::Option<&str> {
                    match self {
                        #(#cfgs Self::#variant_names(value) => value.#odata_type_field.as_deref(),)*
                        Self::#catch_all(value) => value.#odata_type_field.as_deref(),
                    }
                }

                /// Properties this build does not know, whatever the variant.
                pub fn additional_data(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
                    match self {
                        #(#cfgs Self::#variant_names(value) => &value.#additional,)*
                        Self::#catch_all(value) => &value.#additional,
                    }
                }

                #(#accessors)*
            }
        })
    }

    /// A value of a concrete type converts into the enum (its own variant),
    /// so builders and parameters take the struct directly.
    fn polymorphic_froms(&self, e: &PolymorphicEnum<'_>) -> Result<TokenStream> {
        let name = &e.name;
        let froms = e
            .variants
            .iter()
            .zip(&e.cfgs)
            .map(|((vid, v), cfg)| {
                let ty = self.struct_path(*vid)?;
                Ok(quote! {
                    #cfg
                    impl ::std::convert::From<#ty> for #name {
                        fn from(value: #ty) -> Self {
                            Self::#v(value)
                        }
                    }
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(quote!(#(#froms)*))
    }

    /// `Serialize`: each variant with its `@odata.type`.
    fn polymorphic_serialize(&self, e: &PolymorphicEnum<'_>) -> TokenStream {
        let odata_type_field = ident(&e.fields.odata_type);
        let ser_arms = e.variants.iter().zip(&e.cfgs).map(|((vid, v), cfg)| {
            if *vid == e.id {
                // The declared type itself needs no `@odata.type`: the service
                // infers it, and a value read without one is written back as read.
                return quote! {
                    #cfg Self::#v(value) => ::serde::Serialize::serialize(value, serializer),
                };
            }
            let tag = format!("#{}", self.model.ty(*vid).qualified_name());
            quote! {
                #cfg Self::#v(value) => ::graph_intune::__private::serialize_variant(value, value.#odata_type_field.is_some(), #tag, serializer),
            }
        });
        let (name, catch_all) = (&e.name, &e.catch_all);
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    match self {
                        #(#ser_arms)*
                        Self::#catch_all(value) => ::serde::Serialize::serialize(value, serializer),
                    }
                }
            }
        }
    }

    /// `Polymorphic` (the variant by `@odata.type`) and `Deserialize`.
    fn polymorphic_deserialize(&self, e: &PolymorphicEnum<'_>) -> Result<TokenStream> {
        let de_arms = e
            .variants
            .iter()
            .zip(&e.cfgs)
            .map(|((vid, v), cfg)| {
                let tag = self.model.ty(*vid).qualified_name();
                let ty = self.struct_path(*vid)?;
                Ok(quote! {
                    #cfg ::std::option::Option::Some(#tag) => ::graph_intune::__private::read_variant::<#ty, _, _>(deserializer, Self::#v),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let base_ty = self.struct_path(e.id)?;
        let catch_all = &e.catch_all;
        // A value without `@odata.type` is of the declared type: its own
        // variant, or the catch-all (with the `…Base` struct) when abstract.
        let untyped_variant = match e.variants.iter().find(|(vid, _)| *vid == e.id) {
            Some((_, v)) if !e.is_abstract => Some(v),
            _ => None,
        };
        // The remaining names: one arm when an untyped value also goes to
        // the catch-all.
        let rest_arms = match untyped_variant {
            Some(v) => quote! {
                ::std::option::Option::None => ::graph_intune::__private::read_variant::<#base_ty, _, _>(deserializer, Self::#v),
                ::std::option::Option::Some(_) => ::graph_intune::__private::read_variant::<#base_ty, _, _>(deserializer, Self::#catch_all),
            },
            None => quote! {
                _ => ::graph_intune::__private::read_variant::<#base_ty, _, _>(deserializer, Self::#catch_all),
            },
        };
        let name = &e.name;
        Ok(quote! {
            impl ::graph_intune::__private::Polymorphic for #name {
                fn from_tagged<'de, D: ::serde::Deserializer<'de>>(type_name: ::std::option::Option<&str>, deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    match type_name {
                        #(#de_arms)*
                        #rest_arms
                    }
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    ::graph_intune::__private::deserialize_polymorphic(deserializer)
                }
            }
        })
    }
}

impl Emitter<'_> {
    /// An enumeration: the enum of its members (for a flags type, the enum
    /// of single members and the set alias). `name` is the enum, `set` the
    /// flags set (the enum itself for a plain enumeration).
    fn enumeration(
        &self,
        id: TypeId,
        e: &Enum,
        (name, set): (&str, &str),
        members: &MemberNames,
    ) -> Result<TokenStream> {
        if members.members.len() != e.members.len() {
            return Err(self.internal(id, "the naming plan has not one variant per member"));
        }
        let t = self.model.ty(id);
        let qualified = t.qualified_name();
        let mut doc = docs(&t.docs, &format!("`{qualified}`."));
        let role = if e.is_flags {
            format!(
                " One member of the flags enum `{qualified}` (a value is a [`{set}`], a set of members). Members the service adds later are kept in `{}`.",
                members.catch_all
            )
        } else {
            format!(
                " Wire type: `{qualified}`. Members the service adds later are kept in `{}`.",
                members.catch_all
            )
        };
        doc.extend(quote!(#[doc = ""] #[doc = #role]));
        let name = ident(name);
        let mut out = enumeration_definition(doc, &name, e, members);
        out.extend(enumeration_impls(&name, e, members));
        if e.is_flags {
            out.extend(self.flags_alias(id, &name, set));
        }
        Ok(out)
    }

    /// The set type of a flags enumeration: `Flags` of its members.
    fn flags_alias(&self, id: TypeId, member: &Ident, set: &str) -> TokenStream {
        let t = self.model.ty(id);
        let qualified = t.qualified_name();
        let alias = ident(set);
        let alias_doc = docs(&t.docs, &format!("`{qualified}`."));
        let role = format!(
            " The flags enum `{qualified}`: the set members, sent as one string joined by `,`."
        );
        quote! {
            #alias_doc
            #[doc = ""]
            #[doc = #role]
            pub type #alias = ::graph_intune::Flags<#member>;
        }
    }

    fn newtype(&self, id: TypeId, name: &str, underlying: Primitive) -> TokenStream {
        let t = self.model.ty(id);
        let name = ident(name);
        let qualified = t.qualified_name();
        let doc = docs(&t.docs, &format!("`{qualified}` (a type definition)."));
        let inner = primitive(underlying);
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(transparent)]
            pub struct #name(pub #inner);
        }
    }
}

/// The enum of an enumeration's members, and `as_str`.
fn enumeration_definition(
    doc: TokenStream,
    name: &Ident,
    e: &Enum,
    members: &MemberNames,
) -> TokenStream {
    let variants: Vec<_> = members.members.iter().map(|m| ident(m)).collect();
    let wires: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
    let variant_docs = e.members.iter().map(|m| {
        let d = m
            .docs
            .description
            .clone()
            .unwrap_or_else(|| format!("`{}`.", m.name));
        format!(" {d}")
    });
    let catch_all = ident(&members.catch_all);
    let catch_all_doc = " A member this build does not know, kept as sent.";
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    }
}

/// The conversions of an enumeration's members: from and to their wire
/// names, `Display`, serde.
fn enumeration_impls(name: &Ident, e: &Enum, members: &MemberNames) -> TokenStream {
    let variants: Vec<_> = members.members.iter().map(|m| ident(m)).collect();
    let wires: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
    let catch_all = ident(&members.catch_all);
    quote! {
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
    }
}
