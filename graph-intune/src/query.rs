//! The typed OData system query options of a collection request.

use std::fmt;

use percent_encoding::utf8_percent_encode;

use crate::common::QUERY_COMPONENT;

/// OData system query options for a collection request, such as
/// `$filter=…&$top=…`.
///
/// Each setter replaces an earlier value of the same option; options are
/// sent in the order they were first set, names and values percent-encoded
/// (a space as `%20`, `'` as `%27`, `,` as `%2C`; `$` is kept). Apply a query
/// with [`RequestBuilder::with_query`](crate::runtime::RequestBuilder::with_query).
///
/// The values are OData expressions, passed through as given: quote string
/// literals in `$filter` yourself (`displayName eq 'Windows'`, with `'`
/// doubled inside a literal), and `$search` values as Graph expects them
/// (`"displayName:win"`).
///
/// # Examples
///
/// ```
/// use graph_intune::Query;
///
/// let query = Query::new()
///     .filter("displayName eq 'Win 10'")
///     .select(["id", "displayName"])
///     .orderby(["displayName desc"])
///     .top(50)
///     .count(true);
/// assert_eq!(
///     query.to_string(),
///     "$filter=displayName%20eq%20%27Win%2010%27&$select=id%2CdisplayName\
///      &$orderby=displayName%20desc&$top=50&$count=true"
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Query {
    /// Unencoded `(name, value)` pairs, names unique.
    params: Vec<(String, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// `$top`: the most items per page (the service may send fewer and a
    /// next link).
    pub fn top(self, top: u32) -> Self {
        self.param("$top", top.to_string())
    }

    /// `$skip`: how many items to skip.
    pub fn skip(self, skip: u32) -> Self {
        self.param("$skip", skip.to_string())
    }

    /// `$filter`: an OData boolean expression such as
    /// `isAssigned eq true`.
    pub fn filter(self, filter: impl Into<String>) -> Self {
        self.param("$filter", filter)
    }

    /// `$select`: the properties to return, joined with `,`.
    pub fn select<I>(self, properties: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.param("$select", join(properties))
    }

    /// `$expand`: the navigation properties to include, joined with `,`
    /// (each may carry nested options, such as `assignments($select=id)`).
    pub fn expand<I>(self, properties: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.param("$expand", join(properties))
    }

    /// `$orderby`: the sort keys, each a property optionally followed by
    /// ` asc` or ` desc`, joined with `,`.
    pub fn orderby<I>(self, keys: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.param("$orderby", join(keys))
    }

    /// `$count`: whether to return the total number of items as
    /// [`Page::count`](crate::runtime::Page::count).
    pub fn count(self, count: bool) -> Self {
        self.param("$count", if count { "true" } else { "false" })
    }

    /// `$search`: a search expression, such as `"displayName:win"`
    /// (with its double quotes).
    pub fn search(self, search: impl Into<String>) -> Self {
        self.param("$search", search)
    }

    /// Any other query parameter, such as `$skiptoken` or a custom one.
    /// Replaces an earlier parameter of the same name.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        let value = value.into();
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name, value)),
        }
        self
    }

    /// `true` when no option is set.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// The options as unencoded `(name, value)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.params.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// The percent-encoded query string, without a leading `?`.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (name, value)) in self.params.iter().enumerate() {
            if index > 0 {
                f.write_str("&")?;
            }
            write!(
                f,
                "{}={}",
                utf8_percent_encode(name, QUERY_COMPONENT),
                utf8_percent_encode(value, QUERY_COMPONENT)
            )?;
        }
        Ok(())
    }
}

fn join<I>(items: I) -> String
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    items
        .into_iter()
        .map(Into::into)
        .collect::<Vec<String>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_replace_and_keep_the_first_position() {
        let query = Query::new()
            .top(5)
            .filter("a eq 1")
            .top(10)
            .skip(3)
            .expand(["assignments($select=id)"])
            .search("\"displayName:win\"")
            .count(false)
            .param("custom", "x&y");
        assert_eq!(
            query.to_string(),
            "$top=10&$filter=a%20eq%201&$skip=3&$expand=assignments%28$select%3Did%29\
             &$search=%22displayName%3Awin%22&$count=false&custom=x%26y"
        );
        assert_eq!(query.iter().next(), Some(("$top", "10")));
        assert!(!query.is_empty());
        assert!(Query::new().is_empty());
        assert_eq!(Query::new().to_string(), "");
        assert_eq!(
            Query::new().select(Vec::<String>::new()).to_string(),
            "$select="
        );
    }
}
