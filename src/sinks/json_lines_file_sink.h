// JsonLinesFileSink: appends each signal's JSON document as one line to a
// file, for log shippers (Filebeat, Vector, fluent-bit) and grep. Opened with
// O_APPEND so an external rotation tool can rename the file; Reopen() (SIGHUP)
// then starts a fresh one at the configured path.

#ifndef PICKET_SINKS_JSON_LINES_FILE_SINK_H_
#define PICKET_SINKS_JSON_LINES_FILE_SINK_H_

#include <sys/types.h>

#include <string>

#include "sinks/sink.h"

namespace picket::sinks {

struct JsonLinesFileSinkConfig {
  std::string path = "/var/log/picket/signals.jsonl";
  enum class Fsync {
    kNever,       // leave it to the kernel's writeback (default; a crash may lose seconds)
    kEveryBatch,  // fdatasync after every batch: durable, costs one disk flush per batch
  };
  Fsync fsync = Fsync::kNever;
  mode_t file_mode = 0640;  // for a newly created file (before umask)
};

class JsonLinesFileSink final : public Sink {
 public:
  // Does no I/O: the file is opened on the first Write, so a bad path shows
  // up as counted write failures rather than a startup crash. Call Open() to
  // check the path eagerly.
  explicit JsonLinesFileSink(JsonLinesFileSinkConfig config);
  ~JsonLinesFileSink() override;

  JsonLinesFileSink(const JsonLinesFileSink&) = delete;
  JsonLinesFileSink& operator=(const JsonLinesFileSink&) = delete;

  std::string_view name() const override { return "jsonl_file"; }
  // All lines of the batch or none: a short write (disk full) is cut back to
  // the last complete batch, so a retry never leaves a torn line.
  Status Write(SignalBatch batch) override;
  Status Reopen() override;
  Status Open();

 private:
  void Close();

  JsonLinesFileSinkConfig config_;
  int fd_ = -1;
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_JSON_LINES_FILE_SINK_H_
