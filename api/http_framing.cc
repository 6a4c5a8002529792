#include "api/http_framing.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

namespace ledger::api {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// RFC 9110 §5.6.2: token characters.
bool IsTchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// ASCII only, as header names and tokens are (std::tolower would consult
// the locale for every byte).
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f for each comma-separated element of a header value, trimmed.
template <class F>
void ForEachElement(std::string_view value, F f) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    f(Trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

constexpr size_t kMethodBytesMax = 20;

// Why a field line (a header, or a trailer) is not `name: value` with a
// token name and a value free of control characters; nullptr if it is.
// Fills `name` and the trimmed `value`.
const char* FieldLineFault(std::string_view line, std::string_view* name,
                           std::string_view* value) {
  if (line.front() == ' ' || line.front() == '\t') return "folded field lines are not accepted";
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return "a field line must be name: value";
  *name = line.substr(0, colon);
  if (!std::all_of(name->begin(), name->end(), [](char c) { return IsTchar(c); })) {
    return "a field name is not a token (no space before the colon)";
  }
  *value = Trim(line.substr(colon + 1));
  for (unsigned char c : *value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return "a field value has a control character";
  }
  return nullptr;
}

}  // namespace

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 500: return "Internal Server Error";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";
    default: return "Error";
  }
}

namespace {

std::string CodeOf(int status) {
  switch (status) {
    case 400: return "malformed";
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 414:
    case 431: return "headers_too_large";
    case 429: return "overloaded";
    case 503: return "unavailable";
    default: return "http_" + std::to_string(status);
  }
}

}  // namespace

Scan RequestHeadScanner::Fail(FramingError* error, int status, std::string message) {
  error->http_status = status;
  error->code = CodeOf(status);
  error->message = std::move(message);
  return Scan::kError;
}

Scan RequestHeadScanner::Feed(std::string_view buffer, RequestHead* head, FramingError* error) {
  // Empty lines before a request line are ignored (RFC 9112 §2.2), within
  // the head's byte limit.
  while (lines_ == 0 && line_start_ == start_ && buffer.size() >= start_ + 2 &&
         buffer.compare(start_, 2, "\r\n") == 0) {
    start_ += 2;
    line_start_ = start_;
    scanned_ = std::max(scanned_, start_);
  }
  for (size_t i = scanned_; i < buffer.size(); ++i) {
    // The limits first, at every byte: bytes that arrive in pieces are
    // checked against them after each piece, and whatever this byte would
    // decide must not be decided in one case and not in the other.
    if (OverLimits(i, error)) {
      scanned_ = i;
      return Scan::kError;
    }
    const char c = buffer[i];
    if (lines_ == 0 && !method_done_ && c != '\n' && c != '\r') {
      // The method so far: refuse binary junk (e.g. a TLS handshake) at once.
      const size_t at = i - line_start_;
      if (c == ' ' && at > 0) {
        method_done_ = true;
      } else if (c == ' ' || !IsTchar(static_cast<unsigned char>(c)) || at >= kMethodBytesMax) {
        scanned_ = i + 1;
        return Fail(error, 400, "this is not an HTTP request line");
      }
    }
    if (c != '\n') continue;
    scanned_ = i + 1;
    if (i == line_start_ || buffer[i - 1] != '\r') {
      return Fail(error, 400, "lines of an HTTP request end with CRLF");
    }
    if (i + 1 > limits_.header_bytes_max) {
      return Fail(error, 431,
                  fmt::format("the request head is larger than {} bytes", limits_.header_bytes_max));
    }
    std::string_view line = buffer.substr(line_start_, i - 1 - line_start_);
    line_start_ = i + 1;
    if (line.empty()) {
      head->head_bytes = i + 1;
      head->line_start = start_;
      return Finish(head, error);
    }
    Scan s = lines_ == 0 ? RequestLine(line, head, error) : HeaderLine(line, head, error);
    ++lines_;
    if (s == Scan::kError) return s;
  }
  scanned_ = buffer.size();
  return OverLimits(buffer.size(), error) ? Scan::kError : Scan::kIncomplete;
}

bool RequestHeadScanner::OverLimits(size_t received, FramingError* error) {
  // The line being scanned, and the head so far; empty lines before the
  // request line count too (a flood of them is a head that never ends).
  const bool line_over = received - line_start_ > limits_.header_line_bytes_max;
  const bool head_over = received > limits_.header_bytes_max;
  if (!line_over && !head_over) return false;
  // Both passed: the verdict is the limit that bytes arriving one at a time
  // would have passed first (the line's on a tie), so that it does not
  // depend on how the bytes were cut.
  const size_t line_over_at = line_start_ + limits_.header_line_bytes_max + 1;
  const size_t head_over_at = limits_.header_bytes_max + 1;
  if (line_over && (!head_over || line_over_at <= head_over_at)) {
    Fail(error, lines_ == 0 ? 414 : 431,
         fmt::format("{} is longer than {} bytes", lines_ == 0 ? "the request line" : "a header line",
                     limits_.header_line_bytes_max));
  } else {
    Fail(error, 431, fmt::format("the request head is larger than {} bytes", limits_.header_bytes_max));
  }
  return true;
}

Scan RequestHeadScanner::RequestLine(std::string_view line, RequestHead* head,
                                     FramingError* error) {
  if (line.size() > limits_.header_line_bytes_max) {
    return Fail(error, 414, fmt::format("the request line is longer than {} bytes",
                                        limits_.header_line_bytes_max));
  }
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Fail(error, 400, "the request line must be METHOD SP /path SP HTTP/1.1");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (method.empty() ||
      !std::all_of(method.begin(), method.end(), [](char c) { return IsTchar(c); })) {
    return Fail(error, 400, "the request method is not a token");
  }
  if (target.empty() || target.front() != '/') {
    return Fail(error, 400, "the request target must be a path starting with /");
  }
  for (unsigned char c : target) {
    if (c <= 0x20 || c == 0x7f) return Fail(error, 400, "the request target has a control character");
  }
  if (version == "HTTP/1.1") {
    head->http10 = false;
  } else if (version == "HTTP/1.0") {
    head->http10 = true;
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && IsDigit(version[5]) &&
             version[6] == '.' && IsDigit(version[7])) {
    return Fail(error, 505, "only HTTP/1.1 and HTTP/1.0 are served");
  } else {
    return Fail(error, 400, "the request line must end with HTTP/1.1");
  }
  head->method = method;
  head->target = target;
  return Scan::kIncomplete;
}

Scan RequestHeadScanner::HeaderLine(std::string_view line, RequestHead* head,
                                    FramingError* error) {
  if (lines_ > limits_.headers_max) {
    return Fail(error, 431, fmt::format("more than {} header fields", limits_.headers_max));
  }
  if (line.size() > limits_.header_line_bytes_max) {
    return Fail(error, 431,
                fmt::format("a header line is longer than {} bytes", limits_.header_line_bytes_max));
  }
  std::string_view name, value;
  if (const char* fault = FieldLineFault(line, &name, &value)) return Fail(error, 400, fault);
  if (EqualsIgnoreCase(name, "Content-Length")) {
    if (++content_lengths_ > 1) {
      return Fail(error, 400, "more than one Content-Length");
    }
    if (value.empty() || value.size() > 18 ||
        !std::all_of(value.begin(), value.end(), IsDigit)) {
      return Fail(error, 400, "Content-Length must be a number of bytes");
    }
    head->content_length = std::stoull(std::string(value));
  } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
    if (++transfer_encodings_ > 1) return Fail(error, 400, "more than one Transfer-Encoding");
    if (!EqualsIgnoreCase(value, "chunked")) {
      return Fail(error, 501, "the only transfer coding served is chunked");
    }
    chunked_ = true;
  } else if (EqualsIgnoreCase(name, "Connection")) {
    ForEachElement(value, [&](std::string_view option) {
      if (EqualsIgnoreCase(option, "close")) connection_close_ = true;
    });
  } else if (EqualsIgnoreCase(name, "Expect")) {
    if (!EqualsIgnoreCase(value, "100-continue")) {
      return Fail(error, 417, "the only expectation served is 100-continue");
    }
    head->expect_continue = true;
  }
  return Scan::kIncomplete;
}

Scan RequestHeadScanner::Finish(RequestHead* head, FramingError* error) {
  if (lines_ == 0) return Fail(error, 400, "the request line is missing");
  if (chunked_ && content_lengths_ > 0) {
    // RFC 9112 §6.3: a request-smuggling signature; refuse rather than guess.
    return Fail(error, 400, "Content-Length and Transfer-Encoding together");
  }
  if (chunked_ && head->http10) return Fail(error, 400, "chunked bodies need HTTP/1.1");
  // HTTP/1.0 connections close after one answer (keep-alive there is an
  // extension a server need not offer, and HTTP/1.1 clients are the rule).
  head->keep_alive = !head->http10 && !connection_close_;
  // RFC 9110 §10.1.1: an Expect in an HTTP/1.0 request is ignored.
  if (head->http10) head->expect_continue = false;
  if (chunked_) {
    head->body = BodyFraming::kChunked;
  } else if (content_lengths_ > 0) {
    if (head->content_length > limits_.body_bytes_max) {
      return Fail(error, 413, fmt::format("the body is larger than {} bytes", limits_.body_bytes_max));
    }
    head->body = head->content_length > 0 ? BodyFraming::kLength : BodyFraming::kNone;
  } else {
    head->body = BodyFraming::kNone;
    if (head->method == "POST" || head->method == "PUT" || head->method == "PATCH") {
      // Such a body would have length zero (RFC 9112 §6.3); a client that
      // sends a POST with neither almost always forgot its body.
      return Fail(error, 400,
                  "the request could not be read; a " + head->method +
                      " needs a body with Content-Length (or chunked), or Content-Length: 0 "
                      "(e.g. curl -d '{}')");
    }
  }
  return Scan::kComplete;
}

Scan ChunkedDecoder::Feed(std::string_view input, size_t* consumed, std::string* body,
                          FramingError* error) {
  auto fail = [&](int status, std::string message) {
    error->http_status = status;
    error->code = CodeOf(status);
    error->message = std::move(message);
    return Scan::kError;
  };
  // One CRLF-terminated line at *consumed: 1 and the line, 0 if it is not
  // all in, < 0 if it is malformed or too long.
  auto next_line = [&](std::string_view* line) -> int {
    size_t nl = input.find('\n', *consumed);
    // Measured whether or not its end is in: a line that arrives in pieces
    // is refused as soon as it passes the limit, so one that arrives whole
    // must be too (the verdict may not depend on how the bytes were cut).
    const size_t line_bytes = (nl == std::string_view::npos ? input.size() : nl) - *consumed;
    if (line_bytes > limits_.header_line_bytes_max) return -1;
    if (nl == std::string_view::npos) return 0;
    if (nl == *consumed || input[nl - 1] != '\r') return -2;
    *line = input.substr(*consumed, nl - 1 - *consumed);
    *consumed = nl + 1;
    return 1;
  };
  for (;;) {
    switch (state_) {
      case State::kSize: {
        std::string_view line;
        int got = next_line(&line);
        if (got == 0) return Scan::kIncomplete;
        if (got < 0) return fail(400, "a chunk size line is malformed");
        size_t digits = 0;
        size_t significant = 0;  // digits after leading zeros
        uint64_t size = 0;
        while (digits < line.size() && IsHexDigit(line[digits])) {
          if (size > 0 || line[digits] != '0') ++significant;
          if (significant > 15) return fail(413, "a chunk is larger than the body limit");
          const char c = AsciiLower(line[digits]);
          size = size * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
          ++digits;
        }
        std::string_view rest = Trim(line.substr(digits));
        if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
          return fail(400, "a chunk size must be hexadecimal digits");
        }
        if (size == 0) {
          state_ = State::kTrailer;
          break;
        }
        if (size > limits_.body_bytes_max - std::min(body->size(), limits_.body_bytes_max)) {
          return fail(413, fmt::format("the body is larger than {} bytes", limits_.body_bytes_max));
        }
        chunk_remaining_ = size;
        state_ = State::kData;
        break;
      }
      case State::kData: {
        const size_t n = static_cast<size_t>(
            std::min<uint64_t>(chunk_remaining_, input.size() - *consumed));
        body->append(input.data() + *consumed, n);
        *consumed += n;
        chunk_remaining_ -= n;
        if (chunk_remaining_ > 0) return Scan::kIncomplete;
        state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd:
        if (input.size() - *consumed < 2) return Scan::kIncomplete;
        if (input.compare(*consumed, 2, "\r\n") != 0) return fail(400, "a chunk must end with CRLF");
        *consumed += 2;
        state_ = State::kSize;
        break;
      case State::kTrailer: {
        std::string_view line;
        int got = next_line(&line);
        if (got == 0) return Scan::kIncomplete;
        if (got < 0) return fail(400, "a trailer line is malformed");
        if (line.empty()) {
          state_ = State::kDone;
          return Scan::kComplete;
        }
        trailer_bytes_ += line.size() + 2;
        if (trailer_bytes_ > limits_.header_bytes_max) {
          return fail(431, "the trailer fields are too large");
        }
        // Dropped, but held to the same shape as header fields.
        std::string_view name, value;
        if (const char* fault = FieldLineFault(line, &name, &value)) {
          return fail(400, std::string("a trailer: ") + fault);
        }
        break;
      }
      case State::kDone:
        return Scan::kComplete;
    }
  }
}

std::string ErrorResponse(const FramingError& error) {
  nlohmann::json body = {
      {"error",
       {{"code", error.code}, {"message", error.message}, {"details", nlohmann::json::object()}}}};
  std::string text = body.dump();
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      error.http_status, ReasonPhrase(error.http_status), text.size(), text);
}

}  // namespace ledger::api
