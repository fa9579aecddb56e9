//! List pages: sortable columns, the search box and filters, pagination
//! links; the query string carries the same parameters as the API's lists.
use serde::Serialize;
use serde_json::{json, Value};

use crate::{
    errors::FieldErrors,
    models::listing::{Page, QueryParams},
};

/// A column; `ordering` names the API ordering field it sorts by, if any.
pub struct Column {
    pub label: &'static str,
    pub ordering: Option<&'static str>,
}

#[must_use]
pub const fn col(label: &'static str, ordering: Option<&'static str>) -> Column {
    Column { label, ordering }
}

/// A `<select>` filter: the API's query parameter and its values.
pub struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<(String, String)>,
}

/// `true`/`false` filter.
#[must_use]
pub fn yes_no(name: &'static str, label: &'static str) -> Filter {
    Filter {
        name,
        label,
        options: vec![
            ("true".to_string(), "yes".to_string()),
            ("false".to_string(), "no".to_string()),
        ],
    }
}

/// A filter typed as text (a city, a record id).
#[must_use]
pub fn text(name: &'static str, label: &'static str) -> Filter {
    Filter {
        name,
        label,
        options: Vec::new(),
    }
}

/// A filter over a fixed set of values.
#[must_use]
pub fn choices(name: &'static str, label: &'static str, values: &[&str]) -> Filter {
    Filter {
        name,
        label,
        options: values
            .iter()
            .map(|v| ((*v).to_string(), (*v).to_string()))
            .collect(),
    }
}

#[derive(Serialize)]
pub struct Row {
    pub url: String,
    pub cells: Vec<String>,
}

/// `base?params` with `changes` applied (a `None` value removes the key).
fn link(base: &str, params: &QueryParams, changes: &[(&str, Option<String>)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (key, value) in &params.0 {
        if changes.iter().any(|(name, _)| name == key) || value.is_empty() {
            continue;
        }
        query.append_pair(key, value);
        any = true;
    }
    for (name, value) in changes {
        if let Some(value) = value {
            query.append_pair(name, value);
            any = true;
        }
    }
    if any {
        format!("{base}?{}", query.finish())
    } else {
        base.to_string()
    }
}

/// What the list template needs.
pub struct ListPage<'a, T> {
    pub base: &'a str,
    pub singular: &'a str,
    pub plural: &'a str,
    pub params: &'a QueryParams,
    pub columns: &'a [Column],
    pub filters: Vec<Filter>,
    pub page: Page<T>,
    pub row: fn(&T) -> Row,
}

#[must_use]
pub fn context<T>(list: ListPage<'_, T>) -> Value {
    let params = list.params;
    let current = params.get("ordering").unwrap_or_default();
    let columns: Vec<Value> = list
        .columns
        .iter()
        .map(|column| match column.ordering {
            Some(field) => {
                let descending = format!("-{field}");
                let (next, sorted) = if current == field {
                    (descending, "asc")
                } else if current == descending {
                    (field.to_string(), "desc")
                } else {
                    (field.to_string(), "")
                };
                json!({
                    "label": column.label,
                    "sorted": sorted,
                    "sort_url": link(list.base, params, &[("ordering", Some(next)), ("page", None)]),
                })
            }
            None => json!({ "label": column.label, "sort_url": null, "sorted": "" }),
        })
        .collect();
    let filters: Vec<Value> = list
        .filters
        .iter()
        .map(|filter| {
            let selected = params.get(filter.name).unwrap_or_default();
            json!({
                "name": filter.name,
                "label": filter.label,
                "value": selected,
                "options": filter.options.iter().map(|(value, label)| json!({
                    "value": value, "label": label, "selected": value == selected,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let pages = list.page.count.div_ceil(list.page.request.page_size).max(1);
    let number = list.page.request.page;
    let rows: Vec<Row> = list.page.items.iter().map(list.row).collect();
    json!({
        "singular": list.singular,
        "plural": list.plural,
        "list_url": list.base,
        "add_url": format!("{}add/", list.base),
        "search": params.get("search").unwrap_or_default(),
        "columns": columns,
        "filters": filters,
        "rows": rows,
        "count": list.page.count,
        "page": number,
        "pages": pages,
        "previous_url": (number > 1).then(|| link(list.base, params, &[("page", Some((number - 1).to_string()))])),
        "next_url": list.page.has_next().then(|| link(list.base, params, &[("page", Some((number + 1).to_string()))])),
        "errors": Vec::<String>::new(),
    })
}

/// A list page for a query that failed validation: the messages, no rows.
#[must_use]
pub fn invalid(base: &str, singular: &str, errors: &FieldErrors) -> Value {
    let messages: Vec<String> = errors
        .iter()
        .flat_map(|(field, messages)| messages.iter().map(move |m| format!("{field}: {m}")))
        .collect();
    json!({
        "singular": singular, "plural": "", "list_url": base, "add_url": format!("{base}add/"),
        "search": "", "columns": [], "filters": [], "rows": [], "count": 0,
        "page": 1, "pages": 1, "previous_url": null, "next_url": null, "errors": messages,
    })
}
