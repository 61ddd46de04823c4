// SharedLibrary: a shared library opened when a command first needs it rather than when floe
// starts. Every library linked into the executable is loaded and relocated at each start
// (libmicrohttpd alone brings GnuTLS and nine more), and most floe commands never serve
// HTTP, talk to S3 or edit a line; so those libraries are opened on first use. Layer: base.
#pragma once

#include <string>
#include <string_view>

namespace floe {

class SharedLibrary {
 public:
  // Opens `soname` (kept open for the life of the process). Throws UnsupportedError saying
  // `need` ("S3 and HTTP storage need libcurl"), why it failed and which Debian `package`
  // to install.
  SharedLibrary(const char* soname, std::string_view need, std::string_view package);

  // The function `name` of the library; UnsupportedError when the library lacks it.
  template <class F>
  F function(const char* name) const {
    return reinterpret_cast<F>(address(name));
  }
  // Sets `f` to the function `name` (its type taken from `f`).
  template <class F>
  void bind(F& f, const char* name) const {
    f = function<F>(name);
  }

 private:
  void* address(const char* name) const;
  void* handle_ = nullptr;
  std::string soname_;
};

}  // namespace floe
