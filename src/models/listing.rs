//! What every list endpoint shares: query-string parameters, pagination,
//! ordering, boolean filters and the portable Unicode-aware substring search.
use sea_orm::{
    sea_query::{Expr, ExprTrait, LikeExpr, SimpleExpr},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, Order, PaginatorTrait,
    QueryOrder, QueryResult, QuerySelect, Select,
};

use super::error::{FieldErrors, ModelResult};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// A request's query-string pairs, in order. As in Django, the last of a
/// repeated key wins.
#[derive(Debug, Clone, Default)]
pub struct QueryParams(pub Vec<(String, String)>);

impl QueryParams {
    #[must_use]
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A non-empty value (an empty `?gender=` means "no filter", as in
    /// django-filter).
    #[must_use]
    pub fn get_nonempty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|value| !value.is_empty())
    }

    /// `true`/`false` or absent; anything else is recorded as an error.
    pub fn boolean(&self, name: &str, errors: &mut FieldErrors) -> Option<bool> {
        match self.get_nonempty(name)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                errors.add(name, "Must be \"true\" or \"false\".");
                None
            }
        }
    }

    /// A positive integer id filter, or absent.
    pub fn id(&self, name: &str, errors: &mut FieldErrors) -> Option<i32> {
        let raw = self.get_nonempty(name)?;
        match raw.parse::<i32>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.add(name, "Enter a whole number.");
                None
            }
        }
    }

    /// A value from a fixed set of choices, or absent.
    pub fn choice(&self, name: &str, choices: &[&str], errors: &mut FieldErrors) -> Option<String> {
        let raw = self.get_nonempty(name)?;
        if choices.contains(&raw) {
            Some(raw.to_string())
        } else {
            errors.add(
                name,
                format!("Select a valid choice. {raw} is not one of the available choices."),
            );
            None
        }
    }
}

/// `page` (from 1) and `page_size` (default 20, capped at 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub page_size: u64,
}

impl PageRequest {
    pub fn parse(params: &QueryParams, errors: &mut FieldErrors) -> Self {
        let mut positive = |name: &str, default: u64| match params.get(name) {
            None => default,
            Some(raw) => match raw.trim().parse::<u64>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    errors.add(name, "Must be a positive whole number.");
                    default
                }
            },
        };
        let page = positive("page", 1);
        let page_size = Ord::min(positive("page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
        Self { page, page_size }
    }

    fn offset(self) -> u64 {
        (self.page - 1).saturating_mul(self.page_size)
    }
}

/// One page of results and the total that matched.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub count: u64,
    pub request: PageRequest,
}

impl<T> Page<T> {
    #[must_use]
    pub fn has_next(&self) -> bool {
        self.request.page.saturating_mul(self.request.page_size) < self.count
    }

    #[must_use]
    pub fn has_previous(&self) -> bool {
        self.request.page > 1
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            count: self.count,
            request: self.request,
        }
    }
}

/// A row of a page together with the number of rows the whole query matched
/// (`COUNT(*) OVER ()`), so a page and its count come from one query.
struct Counted<M> {
    row: M,
    total: i64,
}

const TOTAL_ALIAS: &str = "total_matched";

impl<M: FromQueryResult> FromQueryResult for Counted<M> {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            row: M::from_query_result(res, pre)?,
            total: res.try_get(pre, TOTAL_ALIAS)?,
        })
    }
}

/// One query whatever the page size: the page, each row carrying the total
/// as a window count. Only a page past the end (no rows, so no total) costs a
/// second query, the plain count, so that `count` stays right there too.
///
/// # Errors
/// Database errors.
pub async fn paginate<E, C>(
    db: &C,
    select: Select<E>,
    request: PageRequest,
) -> ModelResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    // An offset past what SQL's BIGINT holds cannot have rows; PostgreSQL
    // would refuse it, so only the count is asked (found by schemathesis).
    if i64::try_from(request.offset()).is_err() {
        let count = select.count(db).await?;
        return Ok(Page {
            items: Vec::new(),
            count,
            request,
        });
    }
    let rows = select
        .clone()
        .expr_as(Expr::cust("COUNT(*) OVER ()"), TOTAL_ALIAS)
        .offset(request.offset())
        .limit(request.page_size)
        .into_model::<Counted<E::Model>>()
        .all(db)
        .await?;
    let count = match rows.first() {
        Some(first) => u64::try_from(first.total).unwrap_or_default(),
        None if request.offset() == 0 => 0,
        None => select.count(db).await?,
    };
    Ok(Page {
        items: rows.into_iter().map(|counted| counted.row).collect(),
        count,
        request,
    })
}

/// Applies `?ordering=a,-b` over the allowed columns, then `id` descending
/// as the tie-breaker (and the default: newest first).
///
/// # Errors
/// 400 under `ordering` for a field that may not be ordered by.
pub fn apply_ordering<E, Col>(
    mut select: Select<E>,
    params: &QueryParams,
    allowed: &[(&str, Col)],
    id: Col,
    errors: &mut FieldErrors,
) -> Select<E>
where
    E: EntityTrait,
    Col: ColumnTrait + Copy,
{
    if let Some(raw) = params.get_nonempty("ordering") {
        for term in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (name, order) = match term.strip_prefix('-') {
                Some(name) => (name, Order::Desc),
                None => (term, Order::Asc),
            };
            match allowed.iter().find(|(field, _)| *field == name) {
                Some((_, column)) => select = select.order_by(*column, order),
                None => errors.add(
                    "ordering",
                    format!(
                        "Cannot order by \"{name}\". Choose from: {}.",
                        allowed
                            .iter()
                            .map(|(field, _)| *field)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
    }
    select.order_by(id, Order::Desc)
}

/// Unicode-aware case folding used for both the stored search columns and
/// the search terms, so `ZOË` finds `Zoë` on SQLite as on PostgreSQL.
///
/// `to_lowercase` maps a word-final `Σ` to `ς`, so a prefix typed in
/// capitals (`ΑΝΑΣ`) would miss `αναστασία`; both sigmas fold to `σ`.
#[must_use]
pub fn fold(text: &str) -> String {
    text.to_lowercase().replace('ς', "σ")
}

/// Separates the parts of a stored search text, so that a term cannot match
/// across two fields.
pub const SEARCH_SEPARATOR: char = '\u{1f}';

/// The stored search column of a row: its folded parts, separated.
#[must_use]
pub fn search_text(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|part| fold(part))
        .collect::<Vec<_>>()
        .join(&SEARCH_SEPARATOR.to_string())
}

/// `LIKE '%term%' ESCAPE '\'` with the term folded and its `%`, `_` and `\`
/// matching themselves.
#[must_use]
pub fn folded_pattern(term: &str) -> LikeExpr {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for ch in fold(term).chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    LikeExpr::new(pattern).escape('\\')
}

/// `column LIKE '%term%'` over a stored, folded search column.
pub fn contains_folded<C: ColumnTrait>(column: C, term: &str) -> SimpleExpr {
    Expr::col(column).like(folded_pattern(term))
}
