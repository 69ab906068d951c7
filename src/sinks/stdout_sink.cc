#include "sinks/stdout_sink.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "sinks/signal_text.h"

namespace picket::sinks {
namespace {

bool IsTerminal(int fd) { return ::isatty(fd) == 1; }

}  // namespace

StdoutSink::StdoutSink(StdoutSinkConfig config, std::FILE* out, IsTerminalFn is_terminal)
    : out_(out) {
  switch (config.format) {
    case StdoutSinkConfig::Format::kText:
      text_ = true;
      break;
    case StdoutSinkConfig::Format::kJson:
      text_ = false;
      break;
    case StdoutSinkConfig::Format::kAuto:
      text_ = (is_terminal ? is_terminal : &IsTerminal)(::fileno(out_));
      break;
  }
}

Status StdoutSink::Write(SignalBatch batch) {
  std::string buffer;
  for (const SignalRecordPtr& record : batch) {
    buffer += text_ ? FormatSignalLine(*record) : record->json;
    buffer += '\n';
  }
  errno = 0;
  if (std::fwrite(buffer.data(), 1, buffer.size(), out_) != buffer.size()) {
    const int err = errno != 0 ? errno : EIO;
    std::clearerr(out_);
    return ErrnoError("writing signals to standard output", err);
  }
  return Flush();
}

Status StdoutSink::Flush() {
  errno = 0;
  if (std::fflush(out_) != 0) {
    const int err = errno != 0 ? errno : EIO;
    std::clearerr(out_);
    return ErrnoError("flushing standard output", err);
  }
  return {};
}

}  // namespace picket::sinks
