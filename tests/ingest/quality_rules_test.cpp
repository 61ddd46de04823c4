#include <gtest/gtest.h>

#include <map>

#include "base/error.h"
#include "ingest/quality_rules.h"

namespace floe::ingest {
namespace {

TEST(QualityRules, ParsesRulesIntoQueriesAndChecks) {
  auto rules = parse_quality_rules(
      "Rules = [ IsComplete \"id\", ColumnValues \"qty\" between 1 and 10, RowCount > 2, "
      "ColumnValues \"s\" in [\"a\", NULL] with threshold >= 0.9, CustomSql \"SELECT max(qty) FROM primary\" < 100 ]");
  ASSERT_EQ(rules.size(), 5u);
  EXPECT_EQ(rules[0].text, "IsComplete \"id\"");
  EXPECT_NE(rules[0].metric_sql.find("id IS NOT NULL"), std::string::npos);
  EXPECT_TRUE(rules[0].holds(1.0));
  EXPECT_FALSE(rules[0].holds(0.99));
  EXPECT_NE(rules[1].metric_sql.find("qty BETWEEN 1 AND 10"), std::string::npos);
  EXPECT_TRUE(rules[2].holds(3));
  EXPECT_FALSE(rules[2].holds(2));
  EXPECT_NE(rules[3].metric_sql.find("s IS NULL"), std::string::npos);
  EXPECT_TRUE(rules[3].holds(0.95));
  EXPECT_FALSE(rules[3].holds(0.85));
  EXPECT_NE(rules[4].metric_sql.find("FROM {table}"), std::string::npos);
}

TEST(QualityRules, EvaluatesWithTheMetricsItIsGiven) {
  auto rules = parse_quality_rules("Rules = [ RowCount = 3, Mean \"x\" < 2, IsUnique \"Odd Name\" ]");
  EXPECT_NE(rules[2].metric_sql.find("\"Odd Name\""), std::string::npos);
  std::map<int, std::optional<double>> answers = {{0, 3.0}, {1, std::nullopt}};
  int call = 0;
  auto out = evaluate_quality_rules(rules, "db.t", [&](const std::string& sql) -> std::optional<double> {
    EXPECT_NE(sql.find("db.t"), std::string::npos);
    int i = call++;
    if (i == 2) throw InvalidInputError("column 'Odd Name' does not exist");
    return answers[i];
  });
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].outcome, "PASS");
  EXPECT_EQ(out[1].outcome, "FAIL");
  EXPECT_NE(out[1].message.find("Value: NULL does not meet the constraint requirement"), std::string::npos);
  EXPECT_EQ(out[2].outcome, "ERROR");
}

TEST(QualityRules, RefusesWhatItCannotEvaluate) {
  EXPECT_THROW(parse_quality_rules("Rules = [ ]"), InvalidInputError);
  // A number past a DOUBLE's range is a clear error, not an escaped exception.
  EXPECT_THROW(parse_quality_rules("Rules = [ ColumnValues \"q\" between 1 and 10 with threshold > 01e94857 ]"),
               InvalidInputError);
  EXPECT_THROW(parse_quality_rules("Rules = [ IsComplete id ]"), InvalidInputError);
  EXPECT_THROW(parse_quality_rules("Rules = [ DataFreshness \"ts\" <= 24 hours ]"), UnsupportedError);
  EXPECT_THROW(parse_quality_rules("Rules = [ ColumnValues \"x\" between 1 ]"), InvalidInputError);
  EXPECT_THROW(parse_quality_rules("Rules = [ RowCount > 1 ] extra"), InvalidInputError);
  EXPECT_THROW(parse_quality_rules("Rules = [ IsComplete \"x\" and IsUnique \"x\" ]"), UnsupportedError);
}

}  // namespace
}  // namespace floe::ingest
