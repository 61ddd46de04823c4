// FolderWatch: filesystem notifications (Linux inotify) for a set of local folders and
// everything below them, so that the pipe service learns at once that a file landed in a
// local stage instead of waiting for its next listing. Folders created later under a watched
// one are watched too. Layer: serve. Used from one thread.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>

namespace floe::serve {

class FolderWatch {
 public:
  FolderWatch();
  ~FolderWatch();
  FolderWatch(const FolderWatch&) = delete;
  FolderWatch& operator=(const FolderWatch&) = delete;

  // Watches exactly these folders (and their subfolders) from now on; folders that do not
  // exist yet are skipped until a later call finds them (the listing still finds their files).
  void watch(const std::set<std::string>& folders);
  // Waits up to `timeout` (or until wake()) for a file to be written, moved in or a folder
  // made; true when something changed.
  bool wait(std::chrono::milliseconds timeout);
  // Ends a wait() from another thread.
  void wake();
  bool available() const { return inotify_ >= 0; }

 private:
  void add_tree(const std::string& folder);
  int inotify_ = -1;
  int wake_fd_ = -1;
  std::set<std::string> roots_;
  std::map<int, std::string> folders_;  // watch descriptor -> folder
};

}  // namespace floe::serve
