// FolderWatch over inotify. Layer: serve.
#include "serve/folder_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

namespace floe::serve {
namespace {

constexpr uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE;

}  // namespace

FolderWatch::FolderWatch() {
  inotify_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

FolderWatch::~FolderWatch() {
  if (inotify_ >= 0) close(inotify_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void FolderWatch::add_tree(const std::string& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return;
  int wd = inotify_add_watch(inotify_, folder.c_str(), kEvents);
  if (wd >= 0) folders_[wd] = folder;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    int sub = inotify_add_watch(inotify_, it->path().c_str(), kEvents);
    if (sub >= 0) folders_[sub] = it->path().string();
  }
}

void FolderWatch::watch(const std::set<std::string>& folders) {
  if (inotify_ < 0) return;
  if (folders != roots_) {
    for (const auto& [wd, path] : folders_) inotify_rm_watch(inotify_, wd);
    folders_.clear();
    roots_ = folders;
    for (const auto& f : roots_) add_tree(f);
    return;
  }
  // A root that did not exist before may exist now.
  std::set<std::string> watched;
  for (const auto& [wd, path] : folders_) watched.insert(path);
  for (const auto& f : roots_)
    if (!watched.count(f)) add_tree(f);
}

bool FolderWatch::wait(std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{inotify_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  int n = poll(fds, 2, int(timeout.count()));
  if (n <= 0) return false;
  if (fds[1].revents & POLLIN) {
    uint64_t v;
    (void)!read(wake_fd_, &v, sizeof v);
  }
  bool changed = false;
  if (fds[0].revents & POLLIN) {
    alignas(inotify_event) char buf[16384];
    for (;;) {
      ssize_t got = read(inotify_, buf, sizeof buf);
      if (got <= 0) break;
      for (char* p = buf; p < buf + got;) {
        auto* ev = reinterpret_cast<inotify_event*>(p);
        changed = true;
        if ((ev->mask & IN_CREATE) && (ev->mask & IN_ISDIR) && ev->len > 0) {
          auto it = folders_.find(ev->wd);
          if (it != folders_.end()) add_tree(it->second + "/" + ev->name);  // and what is already in it
        }
        p += sizeof(inotify_event) + ev->len;
      }
    }
  }
  return changed;
}

void FolderWatch::wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
}

}  // namespace floe::serve
