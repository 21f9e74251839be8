//! What a config selects: `/**` subtrees, bound operations on path ends,
//! and errors at the config line of a root or path that does not exist.

use codegen::emit::ClientEntry;
use codegen::model::{self, Model};
use codegen::select::{self, Selection};
use codegen::{Config, Input, Scope};

const SCHEMA: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="svc" Alias="s" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="root" BaseType="s.entity">
        <NavigationProperty Name="policies" Type="Collection(s.policy)" ContainsTarget="true" />
        <NavigationProperty Name="folders" Type="Collection(s.folder)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="policy" BaseType="s.entity">
        <NavigationProperty Name="assignments" Type="Collection(s.assignment)" ContainsTarget="true" />
        <NavigationProperty Name="overview" Type="s.overview" ContainsTarget="true" />
        <NavigationProperty Name="owner" Type="s.user" />
      </EntityType>
      <EntityType Name="assignment" BaseType="s.entity">
        <NavigationProperty Name="details" Type="Collection(s.detail)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="detail" BaseType="s.entity" />
      <EntityType Name="overview" BaseType="s.entity" />
      <EntityType Name="user" BaseType="s.entity" />
      <EntityType Name="folder" BaseType="s.entity">
        <NavigationProperty Name="children" Type="Collection(s.folder)" ContainsTarget="true" />
      </EntityType>
      <Action Name="rootAction" IsBound="true">
        <Parameter Name="bindingParameter" Type="s.root" />
      </Action>
      <Action Name="assign" IsBound="true">
        <Parameter Name="bindingParameter" Type="s.policy" />
      </Action>
      <Function Name="summarize" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(s.policy)" />
        <ReturnType Type="Edm.Int32" />
      </Function>
      <Action Name="touch" IsBound="true">
        <Parameter Name="bindingParameter" Type="s.assignment" />
      </Action>
      <EntityContainer Name="Service">
        <Singleton Name="root" Type="s.root" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn model() -> Model {
    model::load(&[("svc.xml", SCHEMA)]).unwrap().0
}

fn select(model: &Model, paths: &[&str]) -> Selection {
    let paths: Vec<String> = paths.iter().map(|p| (*p).to_owned()).collect();
    select::select(model, &[], &paths).unwrap().0
}

/// Each builder as `type: navigations | item operations | collection operations`.
fn builders(model: &Model, selection: &Selection) -> Vec<String> {
    let op_names = |ops: &[model::OperationId]| {
        ops.iter()
            .map(|op| model.operation(*op).name.clone())
            .collect::<Vec<_>>()
            .join(",")
    };
    selection
        .builders
        .iter()
        .map(|(id, spec)| {
            format!(
                "{}: {} | {} | {}",
                model.ty(*id).name,
                spec.navigations
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(","),
                op_names(&spec.item_operations),
                op_names(&spec.collection_operations)
            )
        })
        .collect()
}

#[test]
fn a_trailing_double_star_takes_every_containment_navigation_below() {
    let model = model();
    let selection = select(&model, &["root/policies/**"]);
    assert_eq!(
        builders(&model, &selection),
        [
            "root: policies |  | ",
            "policy: assignments,overview | assign | summarize",
            "assignment: details | touch | ",
            "detail:  |  | ",
            "overview:  |  | ",
        ]
    );
    // `owner` is a reference, not contained: not followed, not a builder.
    assert!(!selection
        .builders
        .contains_key(&model.find("svc.user").unwrap()));
}

#[test]
fn operations_come_with_the_end_of_a_path_not_the_types_it_passes() {
    let model = model();
    let selection = select(&model, &["root/policies"]);
    assert_eq!(
        builders(&model, &selection),
        ["root: policies |  | ", "policy:  | assign | summarize"]
    );
    let selection = select(&model, &["root"]);
    assert_eq!(builders(&model, &selection), ["root:  | rootAction | "]);
}

#[test]
fn recursive_containment_ends() {
    let model = model();
    let selection = select(&model, &["root/folders/**"]);
    assert_eq!(
        builders(&model, &selection),
        ["root: folders |  | ", "folder: children |  | "]
    );
}

#[test]
fn what_does_not_exist_is_an_error_at_its_config_line() {
    let config = Config::parse(
        "metadata/codegen.toml",
        "schema = \"svc.xml\"\noutput = \"out\"\nroots = [\"svc.policy\", \"svc.nothing\"]\npaths = [\n    \"root/policies/**\",\n    \"root/nope/**\",\n    \"nowhere\",\n    \"root/*/assignments\",\n]\n",
    )
    .unwrap();
    let scope = Scope::Config(Box::new(config.clone()));
    let inputs = [Input {
        name: "svc.xml",
        text: SCHEMA,
    }];
    let errors = codegen::generate(&inputs, &scope, ClientEntry::Inherent).unwrap_err();
    let messages: Vec<String> = errors
        .diagnostics()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "metadata/codegen.toml:3:24: root `svc.nothing` is not a type of the schema",
            "metadata/codegen.toml:6:5: path `root/nope/**`: `svc.root` has no navigation property `nope`",
            "metadata/codegen.toml:7:5: path `nowhere`: `nowhere` is not an entity set or singleton of the schema",
            "metadata/codegen.toml:8:5: path `root/*/assignments`: `*` is not a navigation property name; only a trailing `/**` is a pattern",
        ]
    );
}
