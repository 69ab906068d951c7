#include "base/error.h"

#include <cerrno>
#include <cstring>

namespace picket {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kPermissionDenied:
      return "permission denied";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Error Error::WithContext(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return Error(code_, std::move(message));
}

Error ErrnoError(std::string_view what, int errnum) {
  ErrorCode code = ErrorCode::kInternal;
  switch (errnum) {
    case ENOENT:
    case ESRCH:
      code = ErrorCode::kNotFound;
      break;
    case EACCES:
    case EPERM:
      code = ErrorCode::kPermissionDenied;
      break;
    case EAGAIN:
    case EINTR:
    case ECONNREFUSED:
    case ENOSPC:
    case EIO:
      code = ErrorCode::kUnavailable;
      break;
    case EINVAL:
    case E2BIG:
      code = ErrorCode::kInvalidArgument;
      break;
    case ENOTSUP:
    case ENOSYS:
      code = ErrorCode::kUnsupported;
      break;
    default:
      break;
  }
  std::string message(what);
  message += ": ";
  message += std::strerror(errnum);
  return Error(code, std::move(message));
}

}  // namespace picket
