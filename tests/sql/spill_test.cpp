// Spilling as a session sees it: EXPLAIN ANALYZE names what each operator spilled (sorts,
// aggregations, joins (NOT IN's mark join and nested loops too), windows, INTERSECT and
// EXCEPT, WITH queries computed once), spill folders go where temp_directory says and are
// gone when the query ends, and a folder that cannot be written is an error naming it. The
// results themselves are checked by tests/sql/dialect/memory_limit.test,
// spill_window_and_sets.test, spill_mark_join.test, spill_nested_loop_join.test and
// spill_with_computed_once.test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "sql/session.h"
#include "session_test_helpers.h"

namespace floe::sql {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Session> session_with_big_table(int threads) {
  SessionOptions o;
  o.in_memory = true;
  o.threads = threads;
  auto s = std::make_unique<Session>(o);
  s->execute(
      "CREATE TABLE v AS SELECT a.x * 10 + b.x AS x FROM (VALUES (0), (1), (2), (3), (4), (5), "
      "(6), (7), (8), (9)) a(x), (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) b(x);"
      "CREATE TABLE big AS SELECT a.x * 1000 + b.x AS x, "
      "md5(CAST(a.x * 1000 + b.x AS VARCHAR)) AS s FROM v a, "
      "(SELECT x FROM v UNION ALL SELECT x + 100 FROM v UNION ALL SELECT x + 200 FROM v) b");
  return s;
}

int64_t single_int(Session& s, const std::string& query) {
  StatementResult r = s.execute_one(query);
  return r.batches.at(0).columns.at(0).value<int64_t>(0);
}

// The line of `plan` naming operator `op` ("WINDOW", "EXCEPT ALL"), or "" when none does.
std::string operator_line(const std::string& plan, const std::string& op) {
  size_t at = plan.find(op);
  if (at == std::string::npos) return "";
  size_t begin = plan.rfind('\n', at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  return plan.substr(begin, plan.find('\n', at) - begin);
}

TEST(Spill, ExplainAnalyzeShowsWhatSpilled) {
  auto s = session_with_big_table(2);
  s->execute_one("SET memory_limit = '1MB'");
  for (const char* q : {"SELECT count(*) FROM (SELECT x, count(*) FROM big GROUP BY x)",
                        "SELECT x FROM big ORDER BY s LIMIT 1 OFFSET 20000",
                        "SELECT count(*) FROM big a JOIN big b ON a.s = b.s"}) {
    std::string plan = explain_analyze(*s, q);
    EXPECT_NE(plan.find("spilled "), std::string::npos) << q << "\n" << plan;
  }
  EXPECT_EQ(single_int(*s, "SELECT count(*) FROM big a JOIN big b ON a.s = b.s"), 30000);
  // NOT IN's null-aware mark join spills like the others; so does a nested-loop join (no
  // equality to hash: its build side comes back in chunks), and a WITH query computed once
  // for two readers keeps its rows in a spill file.
  struct OnItsLine {
    const char* query;
    const char* op;
    int64_t count;
  };
  for (const OnItsLine& c : {
           OnItsLine{"SELECT count(*) FROM big WHERE s NOT IN (SELECT s FROM big WHERE x % 2 = 0)",
                     "HASH JOIN MARK", 15000},
           OnItsLine{"SELECT count(*) FROM (SELECT x FROM big WHERE x < 20) a LEFT JOIN big b "
                     "ON b.x BETWEEN a.x AND a.x + 1 AND b.s > ''",
                     "NESTED LOOP JOIN", 40},
           OnItsLine{"WITH g AS (SELECT s, count(*) AS n FROM big GROUP BY s) "
                     "SELECT count(*) FROM g a JOIN g b ON a.s = b.s",
                     "SCAN g", 30000},
       }) {
    std::string plan = explain_analyze(*s, c.query);
    EXPECT_NE(operator_line(plan, c.op).find("spilled "), std::string::npos)
        << c.query << "\n" << plan;
    EXPECT_EQ(single_int(*s, c.query), c.count) << c.query;
  }
  // A COUNT(DISTINCT) of a global aggregate is a grouping by the value first: that grouping
  // spills (a global aggregate's own one group never does).
  const char* distinct = "SELECT count(DISTINCT s), max(x) FROM big";
  EXPECT_NE(operator_line(explain_analyze(*s, distinct), "AGGREGATE by s").find("spilled "),
            std::string::npos);
  StatementResult counted = s->execute_one(distinct);
  EXPECT_EQ(counted.batches.at(0).columns.at(0).value<int64_t>(0), 30000);
  EXPECT_EQ(counted.batches.at(0).columns.at(1).value<int64_t>(0), 99299);
  // Without a limit nothing spills.
  s->execute_one("SET memory_limit = 'none'");
  std::string plan =
      explain_analyze(*s, "SELECT count(*) FROM (SELECT x, count(*) FROM big GROUP BY x)");
  EXPECT_EQ(plan.find("spilled "), std::string::npos) << plan;
}


TEST(Spill, WindowsAndSetOperationsSpillOnTheirOwnLine) {
  auto s = session_with_big_table(2);
  s->execute_one("SET memory_limit = '1MB'");
  const char* window =
      "SELECT count(*), max(r) FROM (SELECT s, row_number() OVER (PARTITION BY x % 100 ORDER BY "
      "s) r FROM big)";
  const char* except_all =
      "SELECT count(*) FROM (SELECT x, s FROM big EXCEPT ALL SELECT x + 1, s FROM big WHERE x < "
      "20000)";
  const char* intersect =
      "SELECT count(*) FROM (SELECT s FROM big INTERSECT SELECT s FROM big WHERE x % 2 = 0)";
  std::string plan = explain_analyze(*s, window);
  EXPECT_NE(operator_line(plan, "WINDOW").find("spilled "), std::string::npos) << plan;
  plan = explain_analyze(*s, except_all);
  EXPECT_NE(operator_line(plan, "EXCEPT ALL").find("spilled "), std::string::npos) << plan;
  plan = explain_analyze(*s, intersect);
  EXPECT_NE(operator_line(plan, "INTERSECT").find("spilled "), std::string::npos) << plan;
  EXPECT_EQ(single_int(*s, window), 30000);
  EXPECT_EQ(single_int(*s, except_all), 30000);
  EXPECT_EQ(single_int(*s, intersect), 15000);
  // Without a limit the same answers, and nothing spills.
  s->execute_one("SET memory_limit = 'none'");
  plan = explain_analyze(*s, window);
  EXPECT_EQ(plan.find("spilled "), std::string::npos) << plan;
  EXPECT_EQ(single_int(*s, window), 30000);
  EXPECT_EQ(single_int(*s, except_all), 30000);
  EXPECT_EQ(single_int(*s, intersect), 15000);
}

// Narrow rows need more for their sort's records (key words, a merge buffer, the order)
// than for their values: a window counts those records with the rows, so 400 K BIGINTs that
// would fit an 8 MB limit alone spill once their sort is counted.
TEST(Spill, WindowSortRecordsCountAgainstTheLimit) {
  SessionOptions o;
  o.in_memory = true;
  o.threads = 2;
  Session s(o);
  s.execute_one("SET memory_limit = '8MB'");
  const char* window =
      "SELECT count(*), sum(r) FROM (SELECT row_number() OVER (PARTITION BY i % 100 ORDER BY i "
      "DESC) AS r FROM range(0, 400000) t(i))";
  EXPECT_NE(operator_line(explain_analyze(s, window), "WINDOW").find("spilled "),
            std::string::npos);
  EXPECT_EQ(single_int(s, window), 400000);
}

TEST(Spill, TempDirectoryHoldsSpillsOnlyWhileTheQueryRuns) {
  fs::path dir = fs::temp_directory_path() / fmt::format("floe-spill-sql-test-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto s = session_with_big_table(1);
  s->execute_one("SET memory_limit = '1MB'");
  s->execute_one(fmt::format("SET temp_directory = '{}'", dir.string()));
  std::string plan = explain_analyze(*s, "SELECT x FROM big ORDER BY s DESC LIMIT 1 OFFSET 25000");
  EXPECT_NE(plan.find("spilled "), std::string::npos) << plan;
  EXPECT_TRUE(fs::is_empty(dir));
  // A query that fails after spilling cleans up too.
  EXPECT_THROW(s->execute_one("SELECT count(*) FROM big a JOIN big b ON a.s = b.s WHERE "
                              "CAST(a.s AS INTEGER) > 0"),
               Error);
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST(Spill, UnwritableTempDirectoryIsAClearError) {
  fs::path blocker = fs::temp_directory_path() / fmt::format("floe-spill-sql-file-{}", ::getpid());
  std::ofstream(blocker) << "a file, not a folder";
  auto s = session_with_big_table(1);
  s->execute_one("SET memory_limit = '1MB'");
  s->execute_one(fmt::format("SET temp_directory = '{}'", (blocker / "spill").string()));
  try {
    s->execute_one("SELECT count(*) FROM (SELECT x, count(*) FROM big GROUP BY x)");
    ADD_FAILURE() << "expected an IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("spilling to " + (blocker / "spill").string()),
              std::string::npos)
        << e.what();
  }
  fs::remove(blocker);
}

}  // namespace
}  // namespace floe::sql
