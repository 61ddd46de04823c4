// The file tailer: records from the newest file at the configured position, partial lines
// held back, rotation by rename (the rotated file finished first) and by copytruncate (the
// copy's unread tail read, the copy never re-read), restarts from a checkpoint, header
// lines and multi-line records.
#include "ingest/file_tailer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "test_dir.h"

namespace floe::ingest {
namespace {

using testing::append_text;
using testing::TempDir;
namespace fs = std::filesystem;

std::vector<std::string> data_of(const std::vector<TailedRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.data);
  return out;
}

std::vector<std::string> drain(FileTailer& t) {
  std::vector<std::string> out;
  for (int i = 0; i < 10; ++i) {
    auto got = data_of(t.poll(1000, 1 << 20));
    out.insert(out.end(), got.begin(), got.end());
    if (got.empty() && t.caught_up()) break;
  }
  return out;
}

FileTailerOptions options(const TempDir& dir, InitialPosition pos = InitialPosition::kStartOfFile) {
  FileTailerOptions o;
  o.pattern = dir / "app.log*";
  o.initial_position = pos;
  return o;
}

using Lines = std::vector<std::string>;

TEST(FileTailer, ReadsWholeLinesAndHoldsAPartialOne) {
  TempDir dir;
  append_text(dir / "app.log", "one\ntwo\nthr");
  FileTailer t(options(dir), std::nullopt);
  EXPECT_EQ(drain(t), (Lines{"one\n", "two\n"}));
  EXPECT_TRUE(t.caught_up());
  EXPECT_EQ(t.position()->offset, 8u);
  append_text(dir / "app.log", "ee\n");
  EXPECT_EQ(drain(t), (Lines{"three\n"}));
  EXPECT_EQ(t.position()->offset, 14u);
}

TEST(FileTailer, EndOfFileStartsAfterWhatIsThere) {
  TempDir dir;
  append_text(dir / "app.log", "old\n");
  FileTailer t(options(dir, InitialPosition::kEndOfFile), std::nullopt);
  EXPECT_TRUE(drain(t).empty());
  append_text(dir / "app.log", "new\n");
  EXPECT_EQ(drain(t), (Lines{"new\n"}));
}

TEST(FileTailer, WithoutCheckpointOnlyTheNewestFileIsRead) {
  TempDir dir;
  append_text(dir / "app.log.1", "older\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  append_text(dir / "app.log", "newest\n");
  FileTailer t(options(dir), std::nullopt);
  EXPECT_EQ(drain(t), (Lines{"newest\n"}));
}

TEST(FileTailer, RenameRotationFinishesTheRotatedFileFirst) {
  TempDir dir;
  append_text(dir / "app.log", "1\n2\n");
  FileTailer t(options(dir), std::nullopt);
  EXPECT_EQ(drain(t), (Lines{"1\n", "2\n"}));
  append_text(dir / "app.log", "3\n");  // written before the rotation, not yet read
  fs::rename(dir / "app.log", dir / "app.log.1");
  append_text(dir / "app.log", "4\n5\n");
  EXPECT_EQ(drain(t), (Lines{"3\n", "4\n", "5\n"}));
  // A second rotation: app.log.1 -> app.log.2, app.log -> app.log.1, new app.log.
  fs::rename(dir / "app.log.1", dir / "app.log.2");
  append_text(dir / "app.log", "6\n");
  fs::rename(dir / "app.log", dir / "app.log.1");
  append_text(dir / "app.log", "7\n");
  EXPECT_EQ(drain(t), (Lines{"6\n", "7\n"}));
}

TEST(FileTailer, CopyTruncateReadsTheCopysTailOnceAndTheFileAgain) {
  TempDir dir;
  append_text(dir / "app.log", "line-0001\nline-0002\n");
  FileTailer t(options(dir), std::nullopt);
  EXPECT_EQ(drain(t), (Lines{"line-0001\n", "line-0002\n"}));
  append_text(dir / "app.log", "line-0003\n");  // not read before the rotation
  fs::copy_file(dir / "app.log", dir / "app.log.1");
  fs::resize_file(dir / "app.log", 0);
  append_text(dir / "app.log", "line-0004\n");
  EXPECT_EQ(drain(t), (Lines{"line-0003\n", "line-0004\n"}));
  append_text(dir / "app.log", "line-0005\n");
  EXPECT_EQ(drain(t), (Lines{"line-0005\n"}));
}

TEST(FileTailer, TruncationWithoutACopyStartsOver) {
  TempDir dir;
  append_text(dir / "app.log", "aaaa\nbbbb\n");
  FileTailer t(options(dir), std::nullopt);
  EXPECT_EQ(drain(t).size(), 2u);
  fs::resize_file(dir / "app.log", 0);
  append_text(dir / "app.log", "cccc\ndddd\neeee\n");  // longer than before: first bytes differ
  EXPECT_EQ(drain(t), (Lines{"cccc\n", "dddd\n", "eeee\n"}));
}

TEST(FileTailer, RestartsFromACheckpointAcrossARotation) {
  TempDir dir;
  append_text(dir / "app.log", "a\nb\nc\n");
  std::optional<TailPosition> checkpoint;
  {
    FileTailer t(options(dir), std::nullopt);
    auto got = t.poll(2, 1 << 20);  // the agent sent (and checkpointed) two records
    ASSERT_EQ(got.size(), 2u);
    checkpoint = got[1].position;
  }
  // While the agent was down: c was never acknowledged; the file rotated; more was written.
  fs::rename(dir / "app.log", dir / "app.log.1");
  append_text(dir / "app.log", "d\n");
  FileTailer t(options(dir), checkpoint);
  EXPECT_EQ(drain(t), (Lines{"c\n", "d\n"}));
}

TEST(FileTailer, RestartAfterCopyTruncateWhileDown) {
  TempDir dir;
  append_text(dir / "app.log", "first-line\nsecond-line\n");
  std::optional<TailPosition> checkpoint;
  {
    FileTailer t(options(dir), std::nullopt);
    auto got = t.poll(1, 1 << 20);
    ASSERT_EQ(got.size(), 1u);
    checkpoint = got[0].position;
  }
  fs::copy_file(dir / "app.log", dir / "app.log.1");
  fs::resize_file(dir / "app.log", 0);
  append_text(dir / "app.log", "third\n");
  FileTailer t(options(dir), checkpoint);
  EXPECT_EQ(drain(t), (Lines{"second-line\n", "third\n"}));
}

TEST(FileTailer, SkipsHeaderLinesAndAssemblesMultiLineRecords) {
  TempDir dir;
  append_text(dir / "app.log",
              "header\n2024-01-01 start\n  at frame 1\n  at frame 2\n2024-01-02 next\n");
  FileTailerOptions o = options(dir);
  o.skip_header_lines = 1;
  o.multi_line_start_pattern = R"(\d{4}-\d{2}-\d{2})";
  o.multi_line_idle_ms = 0;
  FileTailer t(o, std::nullopt);
  auto first = t.poll(1000, 1 << 20);
  ASSERT_GE(first.size(), 1u);
  EXPECT_EQ(first[0].data, "2024-01-01 start\n  at frame 1\n  at frame 2\n");
  auto rest = drain(t);
  if (first.size() == 2) rest.insert(rest.begin(), first[1].data);
  EXPECT_EQ(rest, (Lines{"2024-01-02 next\n"}));
}

TEST(FileTailer, TruncatesRecordsOverTheLimit) {
  TempDir dir;
  append_text(dir / "app.log", std::string(50, 'x') + "\nok\n");
  FileTailerOptions o = options(dir);
  o.max_record_bytes = 10;
  o.truncated_record_terminator = "~\n";
  FileTailer t(o, std::nullopt);
  EXPECT_EQ(drain(t), (Lines{"xxxxxxxx~\n", "ok\n"}));
}

}  // namespace
}  // namespace floe::ingest
