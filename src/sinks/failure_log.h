// FailureLog: rate-limited reporting of one sink's failures. A sink that is
// down fails every batch; logging each would flood stderr exactly when the
// operator needs it readable. Instead the first failure is logged at once,
// later ones are counted, and at most one line per interval summarises them:
//
//   sink sqlite: 212 failures since the last report, 1840 signals not
//   delivered; last error: inserting batch: database or disk is full
//
// Not thread-safe: owned and called by one SinkRunner thread.

#ifndef PICKET_SINKS_FAILURE_LOG_H_
#define PICKET_SINKS_FAILURE_LOG_H_

#include <spdlog/logger.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/error.h"

namespace picket::sinks {

class FailureLog {
 public:
  using Clock = std::chrono::steady_clock;

  FailureLog(std::shared_ptr<spdlog::logger> logger, std::string sink_name,
             Clock::duration interval);

  // One failure; `signals_lost` is how many signals it cost (0 for a failed
  // attempt that will be retried). Logs now if nothing was logged within the
  // interval, otherwise adds to the pending summary.
  void Record(const Error& error, std::uint64_t signals_lost, Clock::time_point now);

  // Emits the pending summary if the interval has passed (the runner calls
  // it on every tick so a burst that stopped is still reported).
  void FlushIfDue(Clock::time_point now);

  // Emits the pending summary regardless of the interval (shutdown).
  void FlushPending();

  std::uint64_t lines_logged() const { return lines_logged_; }

 private:
  void Emit(Clock::time_point now);

  std::shared_ptr<spdlog::logger> logger_;
  std::string sink_name_;
  Clock::duration interval_;
  bool logged_before_ = false;
  Clock::time_point last_line_{};
  std::uint64_t pending_failures_ = 0;
  std::uint64_t pending_lost_ = 0;
  std::string last_error_;
  std::uint64_t lines_logged_ = 0;
};

// The logger sinks use when the caller passes none: the registered "picket"
// logger if the app set one up, otherwise a stderr logger named "picket.sinks".
std::shared_ptr<spdlog::logger> DefaultSinksLogger();

}  // namespace picket::sinks

#endif  // PICKET_SINKS_FAILURE_LOG_H_
