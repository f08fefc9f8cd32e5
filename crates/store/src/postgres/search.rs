use sqlx::{Postgres, QueryBuilder};

use super::tx::scalar_json;
use crate::{Scalar, SearchExpr, SearchOp};

/// A condition true when a document has null or nothing at `path`.
pub(super) fn push_null_at(qb: &mut QueryBuilder<Postgres>, path: &[String]) {
    qb.push("coalesce(json_typeof(data #> ").push_bind(path.to_vec()).push("), 'null') = 'null'");
}

/// Appends a search expression as ` AND (…)`, comparing JSONB values so numbers compare as numbers (the member
/// alone is converted, not the whole document).
pub(super) fn push_search(qb: &mut QueryBuilder<Postgres>, expr: &SearchExpr) {
    if expr.clauses.is_empty() {
        return;
    }
    qb.push(" AND (");
    for (index, clause) in expr.clauses.iter().enumerate() {
        if index > 0 {
            qb.push(if expr.any { " OR " } else { " AND " });
        }
        qb.push("(");
        match (clause.op, &clause.value) {
            (SearchOp::Eq, Scalar::Null) => push_null_at(qb, &clause.path),
            (SearchOp::Contains, value) => {
                let needle = match value {
                    Scalar::Str(s) => s.clone(),
                    other => scalar_json(other).to_string(),
                };
                let escaped = needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                qb.push("data #>> ").push_bind(clause.path.clone()).push(" ILIKE ").push_bind(format!("%{escaped}%"));
            }
            (op, value) => {
                qb.push("(data #> ").push_bind(clause.path.clone()).push(")::jsonb");
                qb.push(match op {
                    SearchOp::Gt => " > ",
                    SearchOp::Gte => " >= ",
                    SearchOp::Lt => " < ",
                    SearchOp::Lte => " <= ",
                    _ => " = ",
                });
                qb.push_bind(scalar_json(value)).push("::jsonb");
            }
        }
        // A negated term matches documents where the comparison is false or, the field being absent, NULL.
        qb.push(if clause.negated { ") IS NOT TRUE" } else { ")" });
    }
    qb.push(")");
}
