// GROUP BY string columns read straight from a table's scan groups by the columns' dictionary
// codes, and EXPLAIN ANALYZE says so; keys that an aggregate, an expression or a filter also
// reads are values. Each answer equals the one grouped by values (a key the scan cannot hand
// over as codes). The answers themselves are checked against DuckDB by
// tests/sql/dialect/dictionary_coded_grouping.test.
#include <gtest/gtest.h>

#include "sql/session.h"
#include "session_test_helpers.h"

namespace floe::sql {
namespace {

// The result as text, a line per row.
std::string rows_of(Session& s, const std::string& query) {
  StatementResult r = s.execute_one(query);
  std::string text;
  for (const auto& b : r.batches)
    for (int64_t i = 0; i < b.num_rows(); ++i) {
      for (const auto& c : b.columns) {
        if (c.is_null(i)) text += "NULL";
        else if (c.type().id() == columnar::TypeId::kString) text += c.string_at(i);
        else text += std::to_string(c.value<int64_t>(i));
        text += "|";
      }
      text += "\n";
    }
  return text;
}

std::unique_ptr<WarehouseSession> session() {
  auto w = warehouse_session("dictionary-coded-test", 2);
  auto& s = w->session;
  s->execute(
      "CREATE TABLE c AS SELECT i AS id, CASE i % 3 WHEN 0 THEN 'desktop' WHEN 1 THEN 'mobile' "
      "ELSE 'tablet' END AS device, 'c' || CAST((i * 7) % 23 AS VARCHAR) AS country "
      "FROM range(0, 200000) t(i)");
  return w;
}

constexpr const char* kCoded = "rows grouped by dictionary codes";

TEST(DictionaryCodedGrouping, KeysOnlyGroupedByGroupByCodes) {
  auto w = session();
  Session& s = *w->session;
  struct Case {
    const char* coded;   // grouped by codes
    const char* values;  // the same answer, grouped by values
  };
  for (const Case& c : {
           Case{"SELECT device, country, count(*), sum(id) FROM c GROUP BY device, country "
                "ORDER BY 1, 2",
                "SELECT device || '', country || '', count(*), sum(id) FROM c "
                "GROUP BY device || '', country || '' ORDER BY 1, 2"},
           Case{"SELECT country, count(*) FROM c WHERE id % 5 = 1 GROUP BY country ORDER BY 1",
                "SELECT country || '', count(*) FROM c WHERE id % 5 = 1 "
                "GROUP BY country || '' ORDER BY 1"},
           Case{"SELECT device, count(DISTINCT country) FROM c GROUP BY device ORDER BY 1",
                "SELECT device || '', count(DISTINCT country || '') FROM c "
                "GROUP BY device || '' ORDER BY 1"},
       }) {
    std::string plan = explain_analyze(s, c.coded);
    EXPECT_NE(plan.find(kCoded), std::string::npos) << c.coded << "\n" << plan;
    plan = explain_analyze(s, c.values);
    EXPECT_EQ(plan.find(kCoded), std::string::npos) << c.values << "\n" << plan;
    std::string want = rows_of(s, c.values);
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(rows_of(s, c.coded), want) << c.coded;
  }
}

TEST(DictionaryCodedGrouping, KeysReadOtherwiseAreValues) {
  auto w = session();
  Session& s = *w->session;
  for (const char* q : {
           "SELECT device, min(device), count(*) FROM c GROUP BY device",
           "SELECT upper(device), count(*) FROM c GROUP BY upper(device)",
           "SELECT device, count(*) FROM c WHERE device > 'e' GROUP BY device",
           "SELECT device, count(*) FROM c WHERE device || country > 'm' GROUP BY device",
       }) {
    std::string plan = explain_analyze(s, q);
    EXPECT_EQ(plan.find(kCoded), std::string::npos) << q << "\n" << plan;
  }
  EXPECT_EQ(rows_of(s, "SELECT device, min(device), count(*) FROM c GROUP BY device ORDER BY 1"),
            "desktop|desktop|66667|\nmobile|mobile|66667|\ntablet|tablet|66666|\n");
}

}  // namespace
}  // namespace floe::sql
