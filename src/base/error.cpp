#include "base/error.h"

namespace floe {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kSyntax: return "syntax error";
    case ErrorKind::kBinder: return "binder error";
    case ErrorKind::kCatalog: return "catalog error";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kConstraint: return "constraint violation";
    case ErrorKind::kIo: return "I/O error";
    case ErrorKind::kCorruptData: return "corrupt data";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kInvalidInput: return "invalid input";
    case ErrorKind::kResource: return "resource limit";
    case ErrorKind::kInternal: return "internal error";
  }
  return "error";
}

Error with_context(const Error& e, std::string_view context) {
  return Error(e.kind(), fmt::format("{}: {}", context, e.what()));
}

}  // namespace floe
