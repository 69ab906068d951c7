#include "sinks/syslog_sink.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "sinks/signal_text.h"

namespace picket::sinks {

int SyslogSeverity(std::string_view severity) {
  if (severity == "critical") return LOG_CRIT;
  if (severity == "high") return LOG_ERR;
  if (severity == "medium") return LOG_WARNING;
  if (severity == "low") return LOG_NOTICE;
  return LOG_INFO;
}

SyslogSink::SyslogSink(SyslogSinkConfig config) : config_(std::move(config)) {}

SyslogSink::~SyslogSink() { Close(); }

void SyslogSink::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status SyslogSink::Connect() {
  if (fd_ >= 0) return {};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (config_.socket_path.size() >= sizeof(address.sun_path)) {
    return Error(ErrorCode::kInvalidArgument,
                 "syslog socket path too long: " + config_.socket_path);
  }
  std::memcpy(address.sun_path, config_.socket_path.c_str(), config_.socket_path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("creating syslog socket", errno);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int err = errno;
    ::close(fd);
    // No daemon listening (yet): transient, the runner retries.
    const bool transient = err == ENOENT || err == ECONNREFUSED || err == EAGAIN;
    Error error = ErrnoError("connecting to " + config_.socket_path, err);
    return transient ? Error(ErrorCode::kUnavailable, error.message()) : error;
  }
  fd_ = fd;
  return {};
}

Status SyslogSink::Write(SignalBatch batch) {
  if (Status connected = Connect(); !connected) return connected;
  // glibc's format: "<PRI>Mmm dd hh:mm:ss ident[pid]: message", local time.
  char stamp[32] = {};
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  std::strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &local);
  for (const SignalRecordPtr& record : batch) {
    const int priority = config_.facility | SyslogSeverity(record->severity);
    const std::string line =
        fmt::format("<{}>{} {}[{}]: {}", priority, stamp, config_.ident, ::getpid(),
                    config_.format == SyslogSinkConfig::Format::kJson ? record->json
                                                                      : FormatSignalLine(*record));
    if (::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) < 0) {
      const int err = errno;
      Close();  // the daemon may have restarted: reconnect on the next write
      Error error = ErrnoError("sending to " + config_.socket_path, err);
      return Error(err == EMSGSIZE ? ErrorCode::kInvalidArgument : ErrorCode::kUnavailable,
                   error.message());
    }
  }
  return {};
}

}  // namespace picket::sinks
