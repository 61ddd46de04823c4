// floe's one error mechanism: every failure is a floe::Error with a kind and the
// context (file, offset, row, column, statement position) that lets a user act on it.
// Layer: base. Catch only at the edges (CLI, server request, task runner) or to retry.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace floe {

enum class ErrorKind {
  kSyntax,        // malformed statement or expression
  kBinder,        // unknown name, type mismatch in a statement
  kCatalog,       // missing or duplicate catalog object
  kConflict,      // optimistic commit lost a race that cannot be retried
  kConstraint,    // data violates a declared rule
  kIo,            // filesystem or network failure
  kCorruptData,   // bytes that do not follow their format's specification
  kUnsupported,   // valid input that floe does not handle (yet), said plainly
  kInvalidInput,  // a user's argument or value is wrong
  kResource,      // a limit was reached (memory), said with what to change
  kInternal,      // a broken invariant: a bug in floe
};

std::string_view error_kind_name(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

class IoError : public Error {
 public:
  explicit IoError(const std::string& m) : Error(ErrorKind::kIo, m) {}
};
class CorruptDataError : public Error {
 public:
  explicit CorruptDataError(const std::string& m) : Error(ErrorKind::kCorruptData, m) {}
};
class UnsupportedError : public Error {
 public:
  explicit UnsupportedError(const std::string& m) : Error(ErrorKind::kUnsupported, m) {}
};
class InvalidInputError : public Error {
 public:
  explicit InvalidInputError(const std::string& m) : Error(ErrorKind::kInvalidInput, m) {}
};
class CatalogError : public Error {
 public:
  explicit CatalogError(const std::string& m) : Error(ErrorKind::kCatalog, m) {}
};
class SyntaxError : public Error {
 public:
  explicit SyntaxError(const std::string& m) : Error(ErrorKind::kSyntax, m) {}
};
class BinderError : public Error {
 public:
  explicit BinderError(const std::string& m) : Error(ErrorKind::kBinder, m) {}
};
class ResourceError : public Error {
 public:
  explicit ResourceError(const std::string& m) : Error(ErrorKind::kResource, m) {}
};
class InternalError : public Error {
 public:
  explicit InternalError(const std::string& m) : Error(ErrorKind::kInternal, m) {}
};

// Returns a copy of `e` (same kind) whose message is prefixed with `context: `.
// Used to add the file name or column path as an error travels up.
Error with_context(const Error& e, std::string_view context);

}  // namespace floe

// Bad bytes from outside: a typed, explained error.
#define FLOE_CORRUPT_IF(cond, ...) \
  do {                             \
    if (cond) [[unlikely]]         \
      throw ::floe::CorruptDataError(fmt::format(__VA_ARGS__)); \
  } while (0)

// A broken invariant inside floe: an internal error naming the condition.
#define FLOE_CHECK(cond, ...)                                                           \
  do {                                                                                  \
    if (!(cond)) [[unlikely]]                                                           \
      throw ::floe::InternalError(fmt::format("internal error: {} ({}:{}): {}", #cond, \
                                              __FILE__, __LINE__,                       \
                                              fmt::format(__VA_ARGS__)));               \
  } while (0)
