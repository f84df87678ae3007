/** SQL of departments and their precedence. */
export const departmentSql = {
  list: `SELECT code, name, precedence FROM department ORDER BY precedence DESC, code`,
  /** The row locked by the update; `old` is its precedence before it. */
  setPrecedence: `
    UPDATE department d SET precedence = $2
    FROM (SELECT code, precedence FROM department WHERE code = $1 FOR UPDATE) o
    WHERE d.code = o.code
    RETURNING d.code, d.name, d.precedence, o.precedence AS old`,
};
