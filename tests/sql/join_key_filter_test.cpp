// A hash join hands its build keys to the scan of its probe side, and to the scan below the
// probe sides of the joins under it that its key column comes from: with exact (bitmap)
// filters the fact table's scan then emits only the rows every join keeps. A left join above
// filters nothing. The answers are checked against DuckDB by
// tests/sql/dialect/join_key_filter_chain.test.
#include <gtest/gtest.h>

#include <regex>

#include "sql/session.h"
#include "session_test_helpers.h"

namespace floe::sql {
namespace {

// The rows EXPLAIN ANALYZE reports for the first line that holds `what`.
int64_t rows_of_line(const std::string& plan, const std::string& what) {
  size_t at = plan.find(what);
  if (at == std::string::npos) return -1;
  std::string line = plan.substr(at, plan.find('\n', at) - at);
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(\[(\d+) rows)"))) return -1;
  return std::stoll(m[1].str());
}

std::unique_ptr<WarehouseSession> session() {
  auto w = warehouse_session("join-key-filter-test", 2);
  Session& s = *w->session;
  s.execute("CREATE TABLE f AS SELECT i AS id, i % 5000 AS a, (i * 13) % 700 AS b, i % 97 AS c "
            "FROM range(0, 300000) t(i)");
  s.execute("CREATE TABLE da AS SELECT i AS a FROM range(0, 5000) t(i) WHERE i % 3 = 0");
  s.execute("CREATE TABLE db AS SELECT i AS b FROM range(0, 700) t(i) WHERE i % 10 < 2");
  s.execute("CREATE TABLE dc AS SELECT i AS c FROM range(0, 97) t(i) WHERE i % 7 = 1");
  return w;
}

TEST(JoinKeyFilter, JoinsAboveFilterTheScanBelowTheirProbeSides) {
  auto w = session();
  Session& s = *w->session;
  const std::string q =
      "SELECT count(*) FROM f JOIN da ON f.a = da.a JOIN db ON f.b = db.b JOIN dc ON f.c = dc.c";
  std::string plan = explain_analyze(s, q);
  const int64_t joined = rows_of_line(plan, "HASH JOIN INNER");
  ASSERT_GT(joined, 0) << plan;
  EXPECT_EQ(rows_of_line(plan, "SCAN default.f"), joined) << plan;
}

TEST(JoinKeyFilter, ALeftJoinAboveFiltersNothing) {
  auto w = session();
  Session& s = *w->session;
  std::string plan =
      explain_analyze(s, "SELECT count(*) FROM f JOIN db ON f.b = db.b LEFT JOIN da ON f.a = da.a");
  const int64_t scanned = rows_of_line(plan, "SCAN default.f");
  // db keeps a fifth of f's rows; da (a third of a's values) must not filter them further.
  EXPECT_EQ(scanned, 60000) << plan;
}

}  // namespace
}  // namespace floe::sql
