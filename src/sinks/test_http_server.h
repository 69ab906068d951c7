// A tiny HTTP/1.1 server on 127.0.0.1 (kernel-chosen port) for sink tests:
// records every request and answers with a status the test sets, e.g. 500
// to simulate an outage. One connection at a time, Connection: close.
// Test-only; never listens on anything but loopback.

#ifndef PICKET_SINKS_TEST_HTTP_SERVER_H_
#define PICKET_SINKS_TEST_HTTP_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace picket::sinks::testing {

struct RecordedRequest {
  std::string method;
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
};

class TestHttpServer {
 public:
  TestHttpServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::listen(listener_, 16);
    socklen_t length = sizeof(address);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TestHttpServer() {
    stop_.store(true);
    thread_.join();
    ::close(listener_);
  }

  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void set_status(int status) { status_.store(status); }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // Requests answered with 2xx only.
  std::vector<RecordedRequest> accepted() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }

 private:
  void Serve() {
    while (!stop_.load()) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (connection < 0) continue;
      Handle(connection);
      ::close(connection);
    }
  }

  // Reads one request (headers, then Content-Length bytes of body).
  void Handle(int connection) {
    std::string data;
    char buffer[65536];
    std::size_t header_end = std::string::npos;
    std::size_t content_length = 0;
    while (true) {
      pollfd p{connection, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return;
      const ssize_t n = ::recv(connection, buffer, sizeof(buffer), 0);
      if (n <= 0) return;
      data.append(buffer, static_cast<std::size_t>(n));
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end == std::string::npos) continue;
        content_length = ContentLength(data.substr(0, header_end));
      }
      if (data.size() >= header_end + 4 + content_length) break;
    }
    RecordedRequest request = Parse(data.substr(0, header_end));
    request.body = data.substr(header_end + 4, content_length);
    const int status = status_.load();
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      if (status >= 200 && status < 300) accepted_.push_back(request);
    }
    const std::string reply_body = status >= 200 && status < 300 ? "" : "simulated outage\n";
    const std::string reply = "HTTP/1.1 " + std::to_string(status) +
                              " X\r\nContent-Length: " + std::to_string(reply_body.size()) +
                              "\r\nConnection: close\r\n\r\n" + reply_body;
    (void)::send(connection, reply.data(), reply.size(), MSG_NOSIGNAL);
  }

  static std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  }

  static RecordedRequest Parse(const std::string& head) {
    RecordedRequest request;
    std::size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    const std::size_t space1 = first.find(' ');
    const std::size_t space2 = first.find(' ', space1 + 1);
    request.method = first.substr(0, space1);
    request.target = first.substr(space1 + 1, space2 - space1 - 1);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::size_t value_start = colon + 1;
      while (value_start < line.size() && line[value_start] == ' ') ++value_start;
      request.headers[Lower(line.substr(0, colon))] = line.substr(value_start);
    }
    return request;
  }

  static std::size_t ContentLength(const std::string& head) {
    const std::string lower = Lower(head);
    const std::size_t at = lower.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return std::stoul(lower.substr(at + 17));
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> status_{200};
  mutable std::mutex mu_;
  std::vector<RecordedRequest> requests_;
  std::vector<RecordedRequest> accepted_;
  std::thread thread_;
};

}  // namespace picket::sinks::testing

#endif  // PICKET_SINKS_TEST_HTTP_SERVER_H_
