// HttpClient: the one place picket talks HTTP (libcurl), shared by the HTTP
// and ClickHouse sinks. Synchronous, one reusable connection, bounded by
// timeouts; classifies outcomes into retryable and permanent errors.

#ifndef PICKET_SINKS_HTTP_CLIENT_H_
#define PICKET_SINKS_HTTP_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace picket::sinks {

struct HttpClientOptions {
  std::chrono::milliseconds timeout{5'000};          // whole request
  std::chrono::milliseconds connect_timeout{2'000};  // TCP + TLS handshake
  // Extra request headers, "Name: value" (e.g. "Authorization: Bearer …").
  std::vector<std::string> headers;
  // Proxy URL; "" means none, and also ignores http_proxy/https_proxy from
  // the environment so an agent never sends signals somewhere unexpected.
  std::string proxy;
  std::string ca_file;  // PEM bundle for HTTPS; "" = the system's
};

struct HttpResponse {
  long status = 0;   // HTTP status code
  std::string body;  // first 64 KiB of the response body
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body`. Transport failures (refused, timeout, DNS) are errors with
  // kUnavailable; any HTTP status is a response. Not thread-safe: one
  // client per thread.
  Result<HttpResponse> Post(const std::string& url, std::string_view body,
                            std::string_view content_type);

 private:
  struct Handle;
  HttpClientOptions options_;
  std::unique_ptr<Handle> handle_;
};

// 2xx → success; 408, 429 and 5xx → kUnavailable (retry); other statuses →
// kInvalidArgument (the request itself is wrong; retrying cannot help). The
// message names `what`, the status and the start of the response body.
Status CheckHttpResponse(const Result<HttpResponse>& response, std::string_view what);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(std::string_view text);

}  // namespace picket::sinks

#endif  // PICKET_SINKS_HTTP_CLIENT_H_
