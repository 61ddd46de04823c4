// Hash aggregation on several workers sets rows aside once its worker tables stop reducing
// their input, and says so in EXPLAIN ANALYZE; a grouping that reduces its input does not.
// The results themselves are checked against DuckDB by tests/sql/dialect/group_by_set_aside.test.
#include <gtest/gtest.h>

#include "sql/session.h"
#include "session_test_helpers.h"

namespace floe::sql {
namespace {

int64_t single_int(Session& s, const std::string& query) {
  StatementResult r = s.execute_one(query);
  return r.batches.at(0).columns.at(0).value<int64_t>(0);
}

std::unique_ptr<Session> session(int threads) {
  SessionOptions o;
  o.in_memory = true;
  o.threads = threads;
  auto s = std::make_unique<Session>(o);
  s->execute(
      "CREATE TABLE g AS SELECT (i * 7919) % 300000 AS k, i AS v, "
      "'session-' || CAST(i % 250000 AS VARCHAR) || '-with-a-long-tail' AS s "
      "FROM range(0, 400000) t(i)");
  return s;
}

TEST(AggregationSetAside, TablesThatDoNotReduceSetRowsAside) {
  auto s = session(2);
  for (const char* q : {"SELECT count(*) FROM (SELECT k, sum(v) FROM g GROUP BY k)",
                        "SELECT count(*) FROM (SELECT s, max(v) FROM g GROUP BY s)"}) {
    std::string plan = explain_analyze(*s, q);
    EXPECT_NE(plan.find("rows aggregated by partition"), std::string::npos) << q << "\n" << plan;
  }
  EXPECT_EQ(single_int(*s, "SELECT count(*) FROM (SELECT k, sum(v) FROM g GROUP BY k)"), 300000);
  EXPECT_EQ(single_int(*s, "SELECT count(*) FROM (SELECT s, max(v) FROM g GROUP BY s)"), 250000);
}

TEST(AggregationSetAside, TablesThatReduceAndOneWorkerDoNot) {
  auto two = session(2);
  std::string plan =
      explain_analyze(*two, "SELECT count(*) FROM (SELECT k % 1000 AS m, sum(v) FROM g GROUP BY m)");
  EXPECT_EQ(plan.find("rows aggregated by partition"), std::string::npos) << plan;
  auto one = session(1);
  plan = explain_analyze(*one, "SELECT count(*) FROM (SELECT k, sum(v) FROM g GROUP BY k)");
  EXPECT_EQ(plan.find("rows aggregated by partition"), std::string::npos) << plan;
  EXPECT_EQ(single_int(*one, "SELECT count(*) FROM (SELECT k, sum(v) FROM g GROUP BY k)"), 300000);
}

}  // namespace
}  // namespace floe::sql
