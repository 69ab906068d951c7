// SyslogSink: one syslog line per signal, sent to the local syslog socket
// (/dev/log) in the same format glibc's syslog(3) uses, so rsyslog,
// syslog-ng and journald accept it unchanged. It talks to the socket itself
// rather than calling syslog(3) because syslog(3) drops messages silently
// when the daemon is down; here a failed send is an error the runner counts
// and retries (principle 4), and tests can point it at their own socket.

#ifndef PICKET_SINKS_SYSLOG_SINK_H_
#define PICKET_SINKS_SYSLOG_SINK_H_

#include <syslog.h>

#include <string>

#include "sinks/sink.h"

namespace picket::sinks {

struct SyslogSinkConfig {
  std::string socket_path = "/dev/log";
  // LOG_AUTHPRIV: signals carry command lines and user names, and distros
  // route authpriv to a root-only file (/var/log/auth.log).
  int facility = LOG_AUTHPRIV;
  std::string ident = "picket";
  enum class Format {
    kJson,  // the signal document (default: what a SIEM parses)
    kText,  // FormatSignalLine
  };
  Format format = Format::kJson;
};

// critical → LOG_CRIT, high → LOG_ERR, medium → LOG_WARNING, low →
// LOG_NOTICE, anything else → LOG_INFO.
int SyslogSeverity(std::string_view severity);

class SyslogSink final : public Sink {
 public:
  explicit SyslogSink(SyslogSinkConfig config);
  ~SyslogSink() override;
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  std::string_view name() const override { return "syslog"; }
  // Sends one datagram per signal. A batch that fails part-way is reported
  // as failed; the runner's retry may repeat lines already sent (syslog has
  // no transactions), which beats losing them.
  Status Write(SignalBatch batch) override;

 private:
  Status Connect();
  void Close();

  SyslogSinkConfig config_;
  int fd_ = -1;
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_SYSLOG_SINK_H_
