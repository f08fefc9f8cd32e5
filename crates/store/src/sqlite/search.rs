use super::sql::Sql;
use super::tx::{push_member, push_scalar};
use crate::{Scalar, SearchExpr, SearchOp};

/// Appends a search expression as ` AND (…)`, using `json_extract` on the stored document (`documents.rs`).
pub(super) fn push_search(qb: &mut Sql, expr: &SearchExpr) {
    if expr.clauses.is_empty() {
        return;
    }
    qb.push(" AND (");
    for (index, clause) in expr.clauses.iter().enumerate() {
        if index > 0 {
            qb.push(if expr.any { " OR " } else { " AND " });
        }
        qb.push("(");
        push_member(qb, &clause.path);
        match (clause.op, &clause.value) {
            (SearchOp::Eq, Scalar::Null) => {
                qb.push(" IS NULL");
            }
            (SearchOp::Contains, value) => {
                let needle = match value {
                    Scalar::Str(s) => s.to_lowercase(),
                    other => format!("{other:?}"),
                };
                let escaped = needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                qb.push(" LIKE ").bind(format!("%{escaped}%")).push(" ESCAPE '\\'");
            }
            (op, value) => {
                qb.push(match op {
                    SearchOp::Gt => " > ",
                    SearchOp::Gte => " >= ",
                    SearchOp::Lt => " < ",
                    SearchOp::Lte => " <= ",
                    _ => " = ",
                });
                push_scalar(qb, value);
            }
        }
        // A negated term matches documents where the comparison is false or, the field being absent, NULL.
        qb.push(if clause.negated { ") IS NOT 1" } else { ")" });
    }
    qb.push(")");
}
