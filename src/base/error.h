// Error: what went wrong, worded for the operator who reads the log, plus a
// coarse code for the few callers that branch on it. Never thrown.
//
// Operational failures only (a file that cannot be opened, a kernel that
// refuses a program). Policy authoring mistakes are secl::Diagnostic values,
// collected so one run reports every problem.

#ifndef PICKET_BASE_ERROR_H_
#define PICKET_BASE_ERROR_H_

#include <string>
#include <string_view>

namespace picket {

enum class ErrorCode {
  kInvalidArgument,   // malformed input we were handed (config value, path)
  kNotFound,          // file, pid, map, sink endpoint does not exist
  kPermissionDenied,  // missing capability, unreadable file
  kUnavailable,       // transient; retrying may help (sink down)
  kUnsupported,       // the kernel or host lacks a feature (no BTF, program refused)
  kInternal,          // one of our invariants broke: a bug
};

std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prepends the caller's view while propagating, giving messages like
  // "loading /etc/picket/x.policy: opening file: No such file or directory".
  [[nodiscard]] Error WithContext(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
};

// An Error built from errno: "<what>: <strerror(errnum)>", code from the errno.
Error ErrnoError(std::string_view what, int errnum);

}  // namespace picket

#endif  // PICKET_BASE_ERROR_H_
