// LATERAL FLATTEN: each input row is repeated once per element of its VARIANT value (a
// member of an object or an element of an array), with FLATTEN's SEQ, KEY, PATH, INDEX,
// VALUE and THIS columns after the row's own. Streaming; SEQ numbers input rows.
#include <atomic>

#include "exec/expression_evaluator.h"
#include "exec/json_flatten.h"
#include "exec/json_path.h"
#include "exec/operator.h"

namespace floe::exec {

using columnar::Batch;
using columnar::Column;

namespace {

class FlattenConsumer : public Consumer {
 public:
  FlattenConsumer(const PlanNode& node, Consumer& out)
      : node_(node), out_(out), path_(JsonPath::parse(node.flatten_path, "flatten")) {
    mode_ = node.flatten_mode == "OBJECT" ? FlattenMode::kObject
            : node.flatten_mode == "ARRAY" ? FlattenMode::kArray : FlattenMode::kBoth;
  }
  void consume(Batch&& b, int worker) override {
    int64_t rows = b.num_rows();
    Column input = evaluate(*node_.flatten_input, b);
    int64_t first_seq = seq_.fetch_add(rows) + 1;
    FlattenRows fr;
    columnar::SelectionVector parent;
    Column seq{columnar::DataType(columnar::TypeId::kInt64)};
    for (int64_t i = 0; i < rows; ++i) {
      int64_t before = fr.size();
      if (input.is_null(i)) flatten_null(path_, node_.flatten_outer, fr);
      else flatten_json(input.string_at(i), path_, node_.flatten_outer, node_.flatten_recursive, fr, mode_);
      for (int64_t k = before; k < fr.size(); ++k) {
        parent.push_back(uint32_t(i));
        seq.append<int64_t>(first_seq + i);
      }
    }
    if (parent.empty()) return;
    Batch o;
    o.schema.fields = node_.output;
    o.rows_without_columns = int64_t(parent.size());
    for (const auto& c : b.columns) o.columns.push_back(c.take(parent));
    o.columns.push_back(std::move(seq));
    o.columns.push_back(std::move(fr.key));
    o.columns.push_back(std::move(fr.path));
    o.columns.push_back(std::move(fr.index));
    o.columns.push_back(std::move(fr.value));
    o.columns.push_back(std::move(fr.this_value));
    out_.consume(std::move(o), worker);
  }

 private:
  const PlanNode& node_;
  Consumer& out_;
  JsonPath path_;
  FlattenMode mode_;
  std::atomic<int64_t> seq_{0};
};

}  // namespace

void produce_flatten(const PlanNode& node, ExecContext& ctx, Consumer& out) {
  FlattenConsumer f(node, out);
  produce(*node.children[0], ctx, f);
}

}  // namespace floe::exec
