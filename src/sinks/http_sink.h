// HttpSink: POSTs each batch of signals to an HTTP endpoint (a SIEM
// collector, a webhook, ClickHouse's HTTP interface). The body format is
// pluggable; the default is newline-delimited JSON, one signal document per
// line. Batches the runner gives up on go to a bounded disk spool and are
// replayed from Tick() once the endpoint answers again, oldest first.
// Delivery is at-least-once: a request that timed out after the server
// stored it is sent again.

#ifndef PICKET_SINKS_HTTP_SINK_H_
#define PICKET_SINKS_HTTP_SINK_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "sinks/disk_spool.h"
#include "sinks/http_client.h"
#include "sinks/sink.h"

namespace picket::sinks {

struct HttpSinkConfig {
  std::string url;  // required: http:// or https://
  std::string content_type = "application/x-ndjson";
  HttpClientOptions client;  // timeouts (5 s, connect 2 s), headers, proxy, CA
  // Where undeliverable batches wait; "" disables the spool (they are then
  // counted as failed).
  std::string spool_dir;
  std::uint64_t spool_max_bytes = 64ULL << 20;
  // While the spool is not empty, how often Tick() tries the oldest entry
  // after a failed replay; entries replayed per Tick at most.
  std::chrono::milliseconds replay_interval{5'000};
  std::size_t replay_max_entries_per_tick = 16;
};

// Turns a batch into one request body.
using HttpBodyEncoder = std::function<std::string(SignalBatch)>;

// Runs once before the first delivery (e.g. CREATE TABLE IF NOT EXISTS),
// on the sink's client; retried before every write until it succeeds.
using HttpSetupFn = std::function<Status(HttpClient& client)>;

// Each record's json followed by '\n'.
std::string NdjsonBody(SignalBatch batch);

class HttpSink final : public Sink {
 public:
  // `name` labels logs and stats ("http", "clickhouse"). No I/O here.
  HttpSink(HttpSinkConfig config, std::string name = "http", HttpBodyEncoder encoder = NdjsonBody,
           HttpSetupFn setup = nullptr);

  std::string_view name() const override { return name_; }
  Status Write(SignalBatch batch) override;
  bool KeepUndelivered(SignalBatch batch) override;
  Status Tick(std::uint64_t now_ns) override;
  // spool_entries, spool_records, spool_bytes (current), replayed (records
  // delivered from the spool), spool_evicted (records dropped by the bound),
  // spool_errors (batches the spool could not store, read, or that the
  // endpoint rejected permanently on replay).
  std::vector<SinkCounter> ExtraCounters() const override;

 private:
  Status OpenSpool();
  Status EnsureSetUp();
  void PublishSpoolGauges();

  HttpSinkConfig config_;
  std::string name_;
  HttpBodyEncoder encoder_;
  HttpSetupFn setup_;  // reset to null once it succeeded
  HttpClient client_;
  std::optional<DiskSpool> spool_;
  std::uint64_t next_replay_ns_ = 0;

  std::atomic<std::uint64_t> spool_entries_{0};
  std::atomic<std::uint64_t> spool_records_{0};
  std::atomic<std::uint64_t> spool_bytes_{0};
  std::atomic<std::uint64_t> replayed_{0};
  std::atomic<std::uint64_t> spool_evicted_{0};
  std::atomic<std::uint64_t> spool_errors_{0};
};

}  // namespace picket::sinks

#endif  // PICKET_SINKS_HTTP_SINK_H_
