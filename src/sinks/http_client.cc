#include "sinks/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cctype>
#include <mutex>
#include <utility>

namespace picket::sinks {
namespace {

constexpr std::size_t kMaxResponseBody = 64 * 1024;

void GlobalInitOnce() {
  // curl_global_init is not thread-safe; every client goes through here.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t CollectBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  const std::size_t room = kMaxResponseBody - std::min(kMaxResponseBody, body->size());
  body->append(data, std::min(bytes, room));
  return bytes;  // accept (and drop) the rest rather than failing the transfer
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), handle_(std::make_unique<Handle>()) {
  GlobalInitOnce();
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Post(const std::string& url, std::string_view body,
                                      std::string_view content_type) {
  if (handle_->curl == nullptr) handle_->curl = curl_easy_init();
  CURL* curl = handle_->curl;
  if (curl == nullptr) return Error(ErrorCode::kInternal, "curl_easy_init failed");
  curl_easy_reset(curl);  // keeps the connection cache, forgets the last request

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto add_header = [&headers](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add_header(fmt::format("Content-Type: {}", content_type));
  add_header("Expect:");  // no 100-continue round trip for large batches
  for (const std::string& header : options_.headers) add_header(header);

  HttpResponse response;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: we are threaded
  curl_easy_setopt(curl, CURLOPT_PROXY, options_.proxy.c_str());
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    const ErrorCode code = (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
                               ? ErrorCode::kInvalidArgument
                               : ErrorCode::kUnavailable;
    return Error(code,
                 fmt::format("POST {}: {}", url,
                             error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

Status CheckHttpResponse(const Result<HttpResponse>& response, std::string_view what) {
  if (!response) return response.error().WithContext(what);
  const long status = response->status;
  if (status >= 200 && status < 300) return {};
  const bool retryable = status == 408 || status == 429 || status >= 500;
  std::string detail = response->body.substr(0, 200);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
  return Error(retryable ? ErrorCode::kUnavailable : ErrorCode::kInvalidArgument,
               fmt::format("{}: HTTP {}{}{}", what, status, detail.empty() ? "" : ": ", detail));
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

}  // namespace picket::sinks
