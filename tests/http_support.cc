// The raw HTTP client of http_support.h.
#include "tests/http_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <utility>

namespace ledger::testing {

using Json = nlohmann::json;
using std::chrono::milliseconds;

namespace {

// Parses one whole response at the front of `in`. Returns the bytes it spans,
// or 0 if more are needed (an answer framed by the close needs `closed`).
size_t ParseResponse(const std::string& in, bool closed, RawResponse* out) {
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return 0;
  RawResponse r;
  const size_t line_end = in.find("\r\n");
  const std::string status_line = in.substr(0, line_end);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    r.status = -1;
    r.body = in;
    *out = std::move(r);
    return in.size();
  }
  r.status = std::atoi(status_line.c_str() + 9);
  for (size_t at = line_end + 2; at < head_end;) {
    size_t end = in.find("\r\n", at);
    std::string line = in.substr(at, end - at);
    at = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t value_at = line.find_first_not_of(' ', colon + 1);
    r.headers[Lower(line.substr(0, colon))] =
        value_at == std::string::npos ? "" : line.substr(value_at);
  }
  size_t at = head_end + 4;
  if (r.status / 100 == 1 || r.status == 204 || r.status == 304) {
    *out = std::move(r);
    return at;
  }
  if (Lower(r.header("transfer-encoding")).find("chunked") != std::string::npos) {
    while (true) {
      size_t size_end = in.find("\r\n", at);
      if (size_end == std::string::npos) return 0;
      const size_t size = std::strtoul(in.c_str() + at, nullptr, 16);
      at = size_end + 2;
      if (size == 0) {
        size_t trailers_end = in.find("\r\n\r\n", size_end);
        if (trailers_end == std::string::npos) return 0;
        *out = std::move(r);
        return trailers_end + 4;
      }
      if (in.size() < at + size + 2) return 0;
      r.body.append(in, at, size);
      at += size + 2;
    }
  }
  if (!r.header("content-length").empty()) {
    const size_t length = std::strtoul(r.header("content-length").c_str(), nullptr, 10);
    if (in.size() < at + length) return 0;
    r.body = in.substr(at, length);
    *out = std::move(r);
    return at + length;
  }
  if (!closed) return 0;
  r.body = in.substr(at);
  *out = std::move(r);
  return in.size();
}

}  // namespace

int64_t MsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start).count();
}

int LeftMs(Deadline deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 60'000));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Json RawResponse::field(const char* key) const {
  Json j = json();
  return j.is_object() && j.contains(key) ? j[key] : Json();
}

std::string RawResponse::string_field(const char* key) const {
  Json f = field(key);
  return f.is_string() ? f.get<std::string>() : "";
}

std::string RawResponse::error_code() const {
  Json e = field("error");
  if (!e.is_object() || !e.contains("code") || !e["code"].is_string()) return "";
  return e["code"].get<std::string>();
}

bool RawResponse::is_json_error() const {
  Json e = field("error");
  return e.is_object() && e.contains("code") && e.contains("message") && e.contains("details");
}

std::string RawResponse::Describe() const {
  if (status == 0) return "no answer";
  return fmt::format("{} {}", status, body.substr(0, 300));
}

RawConnection::RawConnection(int port, Deadline deadline) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  int one = 1;  // one byte per send must leave at once (slow clients)
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int r = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (r != 0 && errno != EINPROGRESS) return;
  if (r != 0) {
    pollfd p{fd_, POLLOUT, 0};
    if (poll(&p, 1, LeftMs(deadline)) <= 0) return;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return;
  }
  connected_ = true;
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Send(std::string_view bytes, Deadline deadline) {
  if (!connected_) return false;
  size_t sent = 0;
  while (sent < bytes.size()) {
    pollfd p{fd_, POLLOUT | POLLIN, 0};
    int ready = poll(&p, 1, LeftMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      ReadAvailable();
      if (closed_) return false;
    }
    if (p.revents & POLLOUT) {
      ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return false;  // EPIPE, ECONNRESET: the server stopped reading
      }
    }
  }
  return true;
}

RawResponse RawConnection::Read(Deadline deadline) {
  while (true) {
    RawResponse r;
    if (size_t used = ParseResponse(in_, closed(), &r); used > 0) {
      in_.erase(0, used);
      return r;
    }
    if (closed()) return {};
    Fill(deadline);
    if (SteadyClock::now() >= deadline) {
      if (size_t used = ParseResponse(in_, closed(), &r); used > 0) {
        in_.erase(0, used);
        return r;
      }
      return {};
    }
  }
}

void RawConnection::Reset() {
  if (fd_ < 0) return;
  linger hard{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  close(fd_);
  fd_ = -1;
  connected_ = false;
}

bool RawConnection::WaitClosed(Deadline deadline) {
  while (!closed()) {
    Fill(deadline);
    if (closed()) break;
    if (SteadyClock::now() >= deadline) return false;
  }
  return true;
}

void RawConnection::Fill(Deadline deadline) {
  if (closed()) return;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, LeftMs(deadline)) > 0) ReadAvailable();
}

void RawConnection::ReadAvailable() {
  char buf[16 << 10];
  while (true) {
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      if (in_.size() < kReceivedBytesMax) in_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    closed_ = true;  // 0: the server closed; ECONNRESET: it reset
    return;
  }
}

std::string Chunk(std::string_view data, std::string_view extension) {
  return fmt::format("{:x}{}\r\n", data.size(), extension) + std::string(data) + "\r\n";
}

RawResponse Exchange(int port, const std::string& request, int timeout_ms) {
  const Deadline deadline = In(timeout_ms);
  RawConnection conn(port, deadline);
  conn.Send(request, deadline);
  return conn.Read(deadline);
}

}  // namespace ledger::testing
