#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "base/error.h"
#include "io/file_io.h"

namespace floe::io {

std::string location_scheme(std::string_view location) {
  auto colon = location.find(':');
  if (colon == std::string_view::npos || colon == 0) return "file";
  std::string scheme(location.substr(0, colon));
  for (char& c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
  // A Windows-style drive letter or a path with a colon later on is a plain path.
  for (char c : scheme)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return "file";
  if (scheme == "s3a" || scheme == "s3n") return "s3";
  return scheme;
}

std::string local_path(std::string_view location) {
  if (location.starts_with("file://")) {
    std::string_view rest = location.substr(7);
    // file://localhost/a/b names /a/b.
    if (rest.starts_with("localhost/")) rest.remove_prefix(9);
    return std::string(rest);
  }
  if (location.starts_with("file:")) return std::string(location.substr(5));
  return std::string(location);
}

std::string join_location(std::string_view base, std::string_view relative) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  return fmt::format("{}/{}", base, relative);
}

void remove_quietly(FileIO& io, const std::vector<std::string>& locations) {
  for (const auto& loc : locations) {
    try {
      io.remove(loc);
    } catch (const Error&) {
      // Best effort: the file is unreferenced either way.
    }
  }
}

namespace {

namespace fs = std::filesystem;

class LocalFileIO final : public FileIO {
 public:
  std::unique_ptr<InputFile> open_input(const std::string& location) override {
    return open_local_input(local_path(location));
  }

  std::unique_ptr<OutputFile> create_output(const std::string& location) override {
    std::string path = local_path(location);
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      fs::create_directories(parent, ec);
      if (ec)
        throw IoError(fmt::format("{}: cannot create folder {}: {}", location, parent.string(),
                                  ec.message()));
    }
    return create_local_output(path);
  }

  bool exists(const std::string& location) override {
    struct stat st;
    return ::stat(local_path(location).c_str(), &st) == 0;
  }

  void remove(const std::string& location) override {
    std::string path = local_path(location);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      throw IoError(fmt::format("{}: remove failed: {}", location, std::strerror(errno)));
  }

  std::vector<FileInfo> list(const std::string& prefix) override {
    std::vector<FileInfo> out;
    std::string root = local_path(prefix);
    // The text that stands for `root` in returned locations (keeps the caller's scheme).
    std::string shown =
        prefix.substr(0, prefix.size() - (prefix.size() >= root.size() ? root.size() : 0));
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
      if (fs::is_regular_file(root, ec)) out.push_back(info_of(fs::path(root), shown));
      return out;
    }
    for (auto it = fs::recursive_directory_iterator(root, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) out.push_back(info_of(it->path(), shown));
    }
    if (ec) throw IoError(fmt::format("{}: listing failed: {}", prefix, ec.message()));
    return out;
  }

 private:
  static FileInfo info_of(const fs::path& p, const std::string& scheme_prefix) {
    FileInfo info;
    info.location = scheme_prefix + p.string();
    struct stat st;
    if (::stat(p.c_str(), &st) == 0) {
      info.size = uint64_t(st.st_size);
      info.modified_ms = int64_t(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    }
    return info;
  }
};

}  // namespace

std::shared_ptr<FileIO> local_file_io() {
  static std::shared_ptr<FileIO> io = std::make_shared<LocalFileIO>();
  return io;
}

}  // namespace floe::io
