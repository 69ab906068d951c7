#include "sinks/json_lines_file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace picket::sinks {

JsonLinesFileSink::JsonLinesFileSink(JsonLinesFileSinkConfig config) : config_(std::move(config)) {}

JsonLinesFileSink::~JsonLinesFileSink() { Close(); }

void JsonLinesFileSink::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status JsonLinesFileSink::Open() {
  if (fd_ >= 0) return {};
  const int fd =
      ::open(config_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, config_.file_mode);
  if (fd < 0) return ErrnoError("opening " + config_.path, errno);
  fd_ = fd;
  return {};
}

Status JsonLinesFileSink::Reopen() {
  Close();
  return Open();
}

Status JsonLinesFileSink::Write(SignalBatch batch) {
  if (Status opened = Open(); !opened) return opened;
  std::string buffer;
  for (const SignalRecordPtr& record : batch) {
    buffer += record->json;
    buffer += '\n';
  }
  struct stat before {};
  if (::fstat(fd_, &before) != 0) return ErrnoError("stat " + config_.path, errno);

  std::size_t done = 0;
  while (done < buffer.size()) {
    const ssize_t n = ::write(fd_, buffer.data() + done, buffer.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      // Only picket appends to this file, so cutting back to the size before
      // this batch removes exactly the partial lines we wrote.
      if (done > 0) (void)::ftruncate(fd_, before.st_size);
      return ErrnoError("appending to " + config_.path, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (config_.fsync == JsonLinesFileSinkConfig::Fsync::kEveryBatch && ::fdatasync(fd_) != 0) {
    return ErrnoError("fdatasync " + config_.path, errno);
  }
  return {};
}

}  // namespace picket::sinks
