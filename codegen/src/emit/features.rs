//! Areas as cargo features: the `#[cfg(feature = …)]` of each emitted item
//! and member, the line of docs that names its features, and the
//! `[features]` block of the generated crate's manifest.
//!
//! An item is compiled when any area that needs it is enabled (windows-rs
//! gates its items the same way). A member (a field, an enum variant, a
//! method) gets a `cfg` of its own only where it needs an area its item
//! does not imply: a navigation property to another area's type, a variant
//! of a derived type another area selects.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Attribute, Item};

use crate::model::TypeId;
use crate::select::{AreaMap, AreaSet, FULL};

use super::{Emitter, Result};

/// A member's areas against its item's: `None` when the item's own `cfg`
/// is enough.
fn narrower<'s>(item: Option<&AreaSet>, member: Option<&'s AreaSet>) -> Option<&'s AreaSet> {
    match (item, member) {
        (_, None) => None,
        (Some(item), Some(member)) if item.is_subset(member) => None,
        (_, Some(member)) => Some(member),
    }
}

impl Emitter<'_> {
    pub(crate) fn area_map(&self) -> Option<&AreaMap> {
        self.selection.areas.as_ref()
    }

    /// The areas that need type `id`; `None` when every build has it.
    pub(crate) fn type_areas(&self, id: TypeId) -> Option<&AreaSet> {
        self.area_map()?.types.get(&id)
    }

    /// `#[cfg(any(feature = …))]` for items needed by `areas`; nothing for
    /// items every build has.
    pub(crate) fn cfg(&self, areas: Option<&AreaSet>) -> TokenStream {
        let (Some(map), Some(areas)) = (self.area_map(), areas) else {
            return TokenStream::new();
        };
        let features: Vec<&String> = areas.iter().map(|&i| &map.areas[i].feature).collect();
        match features.as_slice() {
            [one] => quote!(#[cfg(feature = #one)]),
            _ => quote!(#[cfg(any(#(feature = #features),*))]),
        }
    }

    /// The `cfg` of a member of an item needed by `item`, where the member
    /// needs `member`: empty unless the member needs more than the item.
    pub(crate) fn member_cfg(
        &self,
        item: Option<&AreaSet>,
        member: Option<&AreaSet>,
    ) -> TokenStream {
        self.cfg(narrower(item, member))
    }

    /// The `cfg` of a member of type `owner`'s items that refers to type
    /// `target` (a field of that type, a variant holding it).
    pub(crate) fn type_member_cfg(&self, owner: TypeId, target: Option<TypeId>) -> TokenStream {
        let member = target.and_then(|t| self.type_areas(t));
        self.member_cfg(self.type_areas(owner), member)
    }

    /// The line of docs that says which features an item needs (a blank
    /// line before it), or nothing.
    pub(crate) fn feature_doc(&self, areas: Option<&AreaSet>) -> TokenStream {
        match self.feature_note(areas) {
            Some(note) => quote!(#[doc = ""] #[doc = #note]),
            None => TokenStream::new(),
        }
    }

    fn feature_note(&self, areas: Option<&AreaSet>) -> Option<String> {
        let (map, areas) = (self.area_map()?, areas?);
        let names: Vec<String> = areas
            .iter()
            .map(|&i| format!("`{}`", map.areas[i].feature))
            .collect();
        Some(match names.as_slice() {
            [one] => format!(" Available with the cargo feature {one}."),
            _ => format!(
                " Available with any of the cargo features {}.",
                names.join(", ")
            ),
        })
    }

    /// Adds the `cfg` of `areas` to each top-level item of `file`, and the
    /// feature line to the docs of each type (after its own docs).
    pub(crate) fn gate_items(&self, file: &mut syn::File, areas: Option<&AreaSet>) -> Result<()> {
        let cfg = self.cfg(areas);
        if cfg.is_empty() {
            return Ok(());
        }
        let note = self.feature_doc(areas);
        for item in &mut file.items {
            let is_type = matches!(item, Item::Struct(_) | Item::Enum(_) | Item::Type(_));
            let Some(attrs) = item_attributes(item) else {
                continue;
            };
            if is_type {
                let after_docs = attrs
                    .iter()
                    .rposition(|a| a.path().is_ident("doc"))
                    .map_or(0, |i| i + 1);
                attrs.splice(after_docs..after_docs, parse_attributes(note.clone()));
            }
            attrs.splice(0..0, parse_attributes(cfg.clone()));
        }
        Ok(())
    }
}

/// Outer attributes from their tokens (made by this module, so they parse).
fn parse_attributes(tokens: TokenStream) -> Vec<Attribute> {
    syn::parse::Parser::parse2(Attribute::parse_outer, tokens).unwrap_or_default()
}

/// The attributes of the kinds of items the emitter makes.
fn item_attributes(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    match item {
        Item::Struct(i) => Some(&mut i.attrs),
        Item::Enum(i) => Some(&mut i.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Type(i) => Some(&mut i.attrs),
        Item::Fn(i) => Some(&mut i.attrs),
        Item::Const(i) => Some(&mut i.attrs),
        Item::Trait(i) => Some(&mut i.attrs),
        Item::Mod(i) => Some(&mut i.attrs),
        Item::Use(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// The generated block of the crate manifest's `[features]` table:
/// `default`, `full` (every area) and one feature per area, each with a
/// line saying what it selects.
pub fn features_block(map: &AreaMap, config: &str) -> String {
    let mut out = format!(
        "# @generated by `cargo xtask codegen` from {config} (`[features]`); do not edit this block.\n"
    );
    let quoted = |names: &mut dyn Iterator<Item = &String>| -> String {
        names
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "default = [{}]\n",
        quoted(&mut map.default.iter())
    ));
    out.push_str("## Every area below.\n");
    out.push_str(&format!("{FULL} = [\n"));
    for area in &map.areas {
        out.push_str(&format!("    \"{}\",\n", area.feature));
    }
    out.push_str("]\n");
    for area in &map.areas {
        let paths: Vec<String> = area
            .paths
            .iter()
            .map(|p| format!("`{}`", p.trim_end_matches(crate::select::SUBTREE)))
            .collect();
        let below = if paths.len() == 1 { "it" } else { "them" };
        out.push_str(&format!(
            "## {}, with everything contained below {below}.\n{} = []\n",
            paths.join(", "),
            area.feature
        ));
    }
    out.push_str("# end of the generated block\n");
    out
}
