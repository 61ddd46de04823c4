// A filter bounding a ROW_NUMBER(), RANK() or DENSE_RANK() tells its window how many rows
// per partition can matter: EXPLAIN shows the limit, EXPLAIN ANALYZE how many rows the
// window kept, and shapes that must see every row (a function that is not a ranking beside,
// two different windows, a bound under OR) get no limit. The answers are checked against
// DuckDB by tests/sql/dialect/window_row_limit.test.
#include <gtest/gtest.h>

#include "session_test_helpers.h"
#include "sql/session.h"

namespace floe::sql {
namespace {

TEST(WindowRowLimit, BoundedRowNumbersLimitTheirWindow) {
  auto w = warehouse_session("window-row-limit-test", 2);
  Session& s = *w->session;
  s.execute("CREATE TABLE t AS SELECT i AS id, i % 5 AS g, (i * 7919) % 1000003 AS v "
            "FROM range(0, 200000) t(i)");
  struct Case {
    std::string query;
    std::string shown;  // "" when the window must not be limited
  };
  const std::vector<Case> cases = {
      {"SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY g ORDER BY v) AS rn FROM t) "
       "WHERE rn <= 3",
       "first 3 rows per partition"},
      {"SELECT id FROM t QUALIFY row_number() OVER (PARTITION BY g ORDER BY v DESC) = 1",
       "first 1 rows per partition"},
      {"SELECT id FROM (SELECT id, row_number() OVER (ORDER BY v) AS rn FROM t) "
       "WHERE 10 > rn AND id > 5",
       "first 9 rows per partition"},
      {"SELECT id FROM (SELECT id, rank() OVER (PARTITION BY g ORDER BY v) AS r, "
       "row_number() OVER (PARTITION BY g ORDER BY v) AS rn FROM t) WHERE rn <= 3",
       "first 3 rows per partition"},
      // (the other functions are read above: unread ones are pruned, and then the window
      // is limited)
      {"SELECT id, r FROM (SELECT id, rank() OVER (PARTITION BY g ORDER BY v) AS r, "
       "row_number() OVER (PARTITION BY g ORDER BY v) AS rn FROM t) WHERE rn <= 3",
       "first 3 rows per partition"},
      {"SELECT id, r FROM (SELECT id, rank() OVER (PARTITION BY g ORDER BY v) AS r, "
       "ntile(4) OVER (PARTITION BY g ORDER BY v) AS q FROM t) WHERE r <= 3 AND q = 1",
       ""},
      {"SELECT id FROM t QUALIFY rank() OVER (PARTITION BY g ORDER BY v % 9) <= 2",
       "rows of rank <= 2 per partition"},
      {"SELECT id FROM t QUALIFY dense_rank() OVER (PARTITION BY g ORDER BY v % 9) < 3",
       "rows of dense rank <= 2 per partition"},
      {"SELECT id, r, rn FROM (SELECT id, rank() OVER (PARTITION BY g ORDER BY v) AS r, "
       "row_number() OVER (PARTITION BY g ORDER BY v) AS rn FROM t) WHERE r <= 5 AND rn <= 5",
       "first 5 rows per partition"},
      {"SELECT id, rn2 FROM (SELECT id, row_number() OVER (PARTITION BY g ORDER BY v) AS rn, "
       "row_number() OVER (ORDER BY v) AS rn2 FROM t) WHERE rn <= 3",
       ""},
      {"SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY g ORDER BY v) AS rn FROM t) "
       "WHERE rn <= 3 OR id = 7",
       ""},
      {"SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY g ORDER BY v) AS rn FROM t) "
       "WHERE rn >= 3",
       ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    std::string plan = explain(s, c.query);
    if (c.shown.empty())
      EXPECT_EQ(plan.find("rows per partition"), std::string::npos) << plan;
    else
      EXPECT_NE(plan.find(c.shown), std::string::npos) << plan;
  }
  // Five partitions of 40 000 rows, three kept of each: the window numbers 15 rows (each
  // worker keeps its own first three of a partition, at most 30), not 200 000.
  std::string analyzed = explain_analyze(
      s, "SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY g ORDER BY v) AS rn "
         "FROM t) WHERE rn <= 3");
  EXPECT_NE(analyzed.find("of 200000 rows]"), std::string::npos) << analyzed;
  auto at = analyzed.find(", kept ");
  ASSERT_NE(at, std::string::npos) << analyzed;
  EXPECT_LE(std::stoll(analyzed.substr(at + 7)), 30) << analyzed;
}

}  // namespace
}  // namespace floe::sql
