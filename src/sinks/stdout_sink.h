// StdoutSink: signals on standard output. On a terminal a person reads them,
// so each is one summary line (FormatSignalLine); piped or redirected, each
// is the signal's JSON document on one line, for jq and log shippers.

#ifndef PICKET_SINKS_STDOUT_SINK_H_
#define PICKET_SINKS_STDOUT_SINK_H_

#include <cstdio>

#include "sinks/sink.h"

namespace picket::sinks {

struct StdoutSinkConfig {
  enum class Format {
    kAuto,  // kText when the stream is a terminal, kJson otherwise (default)
    kText,  // FormatSignalLine
    kJson,  // SignalRecord::json, one per line
  };
  Format format = Format::kAuto;
};

class StdoutSink final : public Sink {
 public:
  using IsTerminalFn = bool (*)(int fd);

  // `out` is not owned and must outlive the sink. `is_terminal` decides
  // kAuto once, here (tests inject it; the default is isatty(3)).
  explicit StdoutSink(StdoutSinkConfig config = {}, std::FILE* out = stdout,
                      IsTerminalFn is_terminal = nullptr);

  std::string_view name() const override { return "stdout"; }
  Status Write(SignalBatch batch) override;
  Status Flush() override;

  bool text_mode() const { return text_; }

 private:
  std::FILE* out_;
  bool text_;
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_STDOUT_SINK_H_
